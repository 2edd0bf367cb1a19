using RqVae.Platform;
using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.Modules;
using RqVae.SemanticIds;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class DenseHeadTests
{
    // Three items in a 2-d content space: item 0 along x, item 1 along y (not unit length: the head normalises), item 2 along −x.
    private static DenseHead HandHead()
    {
        using var content = tensor(new float[] { 1, 0, 0, 2, -1, 0 }, [3, 2]);
        var head = new DenseHead(2, content);
        using var noGrad = no_grad();
        head.state_dict()["projection.weight"].copy_(eye(2));
        return head;
    }

    // The gradient of parameter after the loss of states (1, 0) → item 0 and (1, 1) → item 1, item 2 cold, at τ 0.5.
    private static Tensor GradientOfWarmLoss(DenseHead head, string parameter)
    {
        using var batch = tensor(new float[] { 1, 0, 1, 1 }, [2, 2]);
        using var targets = tensor(new long[] { 0, 1 });
        using var cold = tensor(new[] { false, false, true });
        head.Loss(batch, targets, cold, 0.5).backward();
        return head.named_parameters().Single(p => p.name == parameter).parameter.grad!;
    }

    [Fact]
    public void The_dense_loss_is_the_mean_cross_entropy_of_the_tempered_cosines_over_warm_items_with_ignored_rows_left_out()
    {
        using var head = HandHead();
        using var noGrad = no_grad();
        // Row 0 (1, 0) → item 0: cosines (1, 0, −1) / 0.5 = (2, 0, −2), item 2 cold: −log(e² / (e² + e⁰)) = log(1 + e⁻²) = 0.126928.
        // Row 1 (1, 1) → item 1: cosines (1, 1, −1)/√2 / 0.5; items 0 and 1 tie once item 2 is masked: log 2 = 0.693147.
        // Row 2 is ignored. Mean 0.410038.
        using var states = tensor(new float[] { 1, 0, 1, 1, 5, -3 }, [3, 2]);
        using var targets = tensor(new long[] { 0, 1, -100 });
        using var cold = tensor(new[] { false, false, true });
        Assert.Equal(0.410038, head.Loss(states, targets, cold, 0.5).item<float>(), 5);
        // Without the mask item 2 takes its share of both softmaxes: ((log Σe^(2,0,−2) − 2) + (log Σe^(√2,√2,−√2) − √2)) / 2 = 0.432602.
        using var none = tensor(new[] { false, false, false });
        Assert.Equal(0.432602, head.Loss(states, targets, none, 0.5).item<float>(), 5);
    }

    [Fact]
    public void The_dense_similarity_is_the_cosine_of_the_projected_state_to_each_items_content()
    {
        using var head = HandHead();
        using var noGrad = no_grad();
        using var states = tensor(new float[] { 3, 4 }, [1, 2]);
        // (3, 4)/5 against (1, 0), (0, 1), (−1, 0).
        Assert.Equal(new[] { 0.6f, 0.8f, -0.6f }, head.Similarity(states).data<float>().ToArray().Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void The_score_computed_at_the_states_width_equals_the_cosine_of_the_projection_and_the_item_term_computed_directly()
    {
        // The head compares in the states' width (h · Pᵀc / |P h|); the definition compares in the content's: normalise P h,
        // take its dot product with each unit content vector, divide by τ, add h · e.
        using var generator = new Generator(5);
        using var content = randn([50, 24], generator: generator);
        using var head = new DenseHead(8, content, itemEmbeddings: true);
        using var noGrad = no_grad();
        head.state_dict()["item_embedding"].copy_(randn([50, 8], generator: generator));
        using var states = randn([7, 8], generator: generator);
        var weight = head.state_dict()["projection.weight"];
        using var predicted = nn.functional.normalize(states.matmul(weight.t()), dim: 1);
        using var units = nn.functional.normalize(content, dim: 1);
        using var cosines = predicted.matmul(units.t());
        using var temperature = 0.25.ToScalar();
        using var expected = cosines.div(temperature).add(states.matmul(head.state_dict()["item_embedding"].t()), Scalars.One);
        Assert.True(head.Similarity(states).allclose(cosines, rtol: 1e-5, atol: 1e-5), "the cosines differ");
        Assert.True(head.Logits(states, 0.25).allclose(expected, rtol: 1e-5, atol: 1e-4), "the scores differ");
    }

    [Fact]
    public void With_item_embeddings_the_score_adds_the_states_dot_product_with_each_items_embedding_and_cold_rows_get_no_gradient()
    {
        using var content = tensor(new float[] { 1, 0, 0, 2, -1, 0 }, [3, 2]);
        using var head = new DenseHead(2, content, itemEmbeddings: true);
        Assert.True(head.HasItemEmbeddings);
        using (no_grad())
        {
            head.state_dict()["projection.weight"].copy_(eye(2));
            Assert.Equal(0f, head.state_dict()["item_embedding"].abs().sum().item<float>());
            head.state_dict()["item_embedding"].copy_(tensor(new float[] { 1, 0, 0, -1, 0.5f, 0.5f }, [3, 2]));
        }
        // (3, 4): cosines (0.6, 0.8, −0.6) / 0.5 = (1.2, 1.6, −1.2), plus (3, 4)·e = (3, −4, 3.5): (4.2, −2.4, 2.3).
        using (no_grad())
        {
            using var states = tensor(new float[] { 3, 4 }, [1, 2]);
            Assert.Equal(new[] { 4.2f, -2.4f, 2.3f }, head.Logits(states, 0.5).data<float>().ToArray().Select(v => MathF.Round(v, 4)));
        }
        // Item 2 is cold: masked out of the softmax, its embedding gets no gradient; the warm ones do.
        var grad = GradientOfWarmLoss(head, "item_embedding");
        Assert.Equal(0f, grad[2].abs().sum().item<float>());
        Assert.True(grad[0].abs().sum().item<float>() > 0 && grad[1].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void From_id_prefixes_an_items_embedding_is_the_sum_of_its_prefixes_rows_and_a_cold_item_keeps_only_the_shared_ones()
    {
        // IDs (0, 0), (0, 1), (0, 2); item 2 is cold. Prefix rows in order of first appearance: (0) 1, (0, 0) 2, (0, 1) 3, (0, 2) 4.
        var vocabulary = TigerVocabulary.Create(new SemanticIdTable([0, 0, 0, 1, 0, 2], 2));
        using var content = tensor(new float[] { 1, 0, 0, 2, -1, 0 }, [3, 2]);
        using var head = new DenseHead(2, content, itemEmbeddings: true, idPrefixes: vocabulary);
        Assert.True(head.HasItemEmbeddings && head.ItemEmbeddingsFromIdPrefixes);
        Assert.DoesNotContain("item_embedding", head.state_dict().Keys);
        var table = head.state_dict()["item_prefix_embedding"];
        Assert.Equal(new long[] { 5, 2 }, table.shape);
        using (no_grad())
        {
            head.state_dict()["projection.weight"].copy_(eye(2));
            Assert.Equal(0f, table.abs().sum().item<float>());
            // Rows (0) = (1, 0), (0, 0) = (0, 1), (0, 1) = (0, −2); the cold item's own row (0, 2) stays at its zero.
            table.copy_(tensor(new float[] { 0, 0, 1, 0, 0, 1, 0, -2, 0, 0 }, [5, 2]));
            // e = (1, 1), (1, −2), (1, 0): the cold item has its shared prefix's part.
            Assert.Equal(new float[] { 1, 1, 1, -2, 1, 0 }, head.LearnedItemEmbeddings()!.data<float>().ToArray());
            // (3, 4): cosines (0.6, 0.8, −0.6) / 0.5 = (1.2, 1.6, −1.2), plus (3, 4)·e = (7, −5, 3): (8.2, −3.4, 1.8).
            using var states = tensor(new float[] { 3, 4 }, [1, 2]);
            Assert.Equal(new[] { 8.2f, -3.4f, 1.8f }, head.Logits(states, 0.5).data<float>().ToArray().Select(v => MathF.Round(v, 4)));
        }
        // Item 2 is masked out of the softmax: its own row gets no gradient, and the shared row (0) gets the sum of what
        // the two warm items' own rows get.
        var grad = GradientOfWarmLoss(head, "item_prefix_embedding");
        Assert.Equal(0f, grad[4].abs().sum().item<float>());
        Assert.True(grad[2].abs().sum().item<float>() > 0 && grad[3].abs().sum().item<float>() > 0);
        Assert.True(grad[1].allclose(grad[2].add(grad[3], Scalars.One), rtol: 1e-5, atol: 1e-7), "the shared row's gradient is not the sum of its items'");
    }

    [Fact]
    public void Id_prefixes_of_another_catalogue_are_refused()
    {
        var vocabulary = TigerVocabulary.Create(new SemanticIdTable([0, 0, 0, 1], 2));
        using var content = tensor(new float[] { 1, 0, 0, 2, -1, 0 }, [3, 2]);
        var error = Assert.Throws<ArgumentException>(() => new DenseHead(2, content, itemEmbeddings: true, idPrefixes: vocabulary));
        Assert.Contains("2 items", error.Message);
    }

    [Fact]
    public void A_cold_item_borrows_the_mean_embedding_of_its_nearest_warm_items_by_content()
    {
        // Items 0 (1, 0), 1 (0, 1), 2 (1, 0.1) cold, 3 (−1, 0); cosines of item 2 to 0, 1, 3: 0.995, 0.0995, −0.995.
        using var content = tensor(new float[] { 1, 0, 0, 1, 1, 0.1f, -1, 0 }, [4, 2]);
        using var head = new DenseHead(2, content, itemEmbeddings: true);
        using (no_grad()) head.state_dict()["item_embedding"].copy_(tensor(new float[] { 1, 1, 2, 0, 0, 0, 0, 4 }, [4, 2]));
        bool[] cold = [false, false, true, false];
        using var one = head.ItemEmbeddingsWithColdFromNeighbours(cold, 1)!;
        Assert.Equal(new float[] { 1, 1, 2, 0, 1, 1, 0, 4 }, one.data<float>().ToArray());
        using var two = head.ItemEmbeddingsWithColdFromNeighbours(cold, 2)!;
        Assert.Equal(new float[] { 1, 1, 2, 0, 1.5f, 0.5f, 0, 4 }, two.data<float>().ToArray());
        // More neighbours than warm items: all three.
        using var all = head.ItemEmbeddingsWithColdFromNeighbours(cold, 10)!;
        Assert.Equal(new[] { 1f, 1.66667f }, all[2].data<float>().ToArray().Select(v => MathF.Round(v, 5)));
        Assert.Null(head.ItemEmbeddingsWithColdFromNeighbours(cold, 0));
        Assert.Null(head.ItemEmbeddingsWithColdFromNeighbours([false, false, false, false], 3));
        // The learned table itself is untouched.
        Assert.Equal(0f, head.state_dict()["item_embedding"][2].abs().sum().item<float>());
    }

    [Fact]
    public void The_dense_ranking_orders_generated_and_cold_items_by_cosine_drops_excluded_and_invalid_ones_and_breaks_ties_by_item()
    {
        float[] similarity = [0.0f, 0.3f, 0.9f, 0.0f, 0.5f, 0.99f, 0.0f, 0.3f];
        // Candidates: generated 4, 1, 7 (−1 is no item) and cold 2, 7, 5; 5 is excluded despite the best cosine;
        // 7 appears twice; 1 and 7 tie at 0.3 and the smaller item goes first.
        var ranked = DenseRanking.Rerank([4, 1, 7, -1], [2, 7, 5], similarity, new HashSet<int> { 5 }, k: 4);
        Assert.Equal([2, 4, 1, 7], ranked);
        Assert.Equal([2, 4], DenseRanking.Rerank([4, 1, 7, -1], [2, 7, 5], similarity, [5], k: 2));
    }

    [Fact]
    public void The_interleaved_ranking_gives_cold_items_the_places_their_cosine_earns_and_keeps_the_generative_order_elsewhere()
    {
        float[] similarity = [0.0f, 0.3f, 0.8f, 0.0f, 0.5f, 0.9f, 0.1f, 0.6f];
        // By cosine the candidates (generated 4, 1, 7 and cold 2 (also generated), 5, 6; 6 excluded) are 5, 2, 7, 4, 1:
        // two cold places, then warm ones, which take the generated warm items in the beam's order 4, 1, 7.
        Assert.Equal([5, 2, 4, 1], DenseRanking.Interleave([4, 1, 7, 2], [2, 5, 6], similarity, [6], k: 4));
        Assert.Equal([5, 2, 4, 1, 7], DenseRanking.Interleave([4, 1, 7, 2], [2, 5, 6], similarity, [6], k: 5));
        // No cold item out-scores a warm candidate's cosine: the generative order is untouched.
        Assert.Equal([4, 1, 7], DenseRanking.Interleave([4, 1, 7], [0, 3], similarity, null, k: 3));
    }
}
