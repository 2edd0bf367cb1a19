using System.Reflection;

namespace RqVae.Registries;

/// <summary>
/// The one mechanism behind the project's seams (tokenizer kinds, recommender kinds, ONNX graph builders): every public,
/// non-abstract <typeparamref name="T"/> of an assembly with a parameterless constructor is found by reflection, so a
/// new implementation is one file; implementations from other assemblies join with <see cref="Register"/>. Thread-safe.
/// </summary>
/// <typeparam name="T">The seam's interface.</typeparam>
public sealed class NamedRegistry<T> where T : class
{
    private readonly Lock gate = new();
    private readonly Func<T, string> nameOf;
    private readonly Func<string, string> takenMessage;
    private List<T> items;

    /// <summary>Finds the implementations in <paramref name="assembly"/>, ordered by name, or by <paramref name="order"/>.</summary>
    /// <param name="assembly">Where the implementations are looked for.</param>
    /// <param name="nameOf">The name an implementation is found by.</param>
    /// <param name="takenMessage">The message of <see cref="Register"/>'s refusal, given the name already taken.</param>
    /// <param name="order">The order of the discovered implementations; default by name, ordinal.</param>
    public NamedRegistry(Assembly assembly, Func<T, string> nameOf, Func<string, string> takenMessage, Func<IEnumerable<T>, IEnumerable<T>>? order = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        this.nameOf = nameOf ?? throw new ArgumentNullException(nameof(nameOf));
        this.takenMessage = takenMessage ?? throw new ArgumentNullException(nameof(takenMessage));
        var found = assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(T).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (T)Activator.CreateInstance(t)!);
        items = [.. order is null ? found.OrderBy(nameOf, StringComparer.Ordinal) : order(found)];
    }

    /// <summary>The implementations: the discovered ones in their order, then the registered ones.</summary>
    public IReadOnlyList<T> All
    {
        get
        {
            lock (gate) return items.ToArray();
        }
    }

    /// <summary>Adds an implementation from another assembly; refuses a name already taken.</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    public void Register(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (gate)
        {
            var name = nameOf(item);
            if (items.Any(i => nameOf(i) == name)) throw new ArgumentException(takenMessage(name), nameof(item));
            items = [.. items, item];
        }
    }

    /// <summary>The implementation named <paramref name="name"/>, or null.</summary>
    public T? Find(string name) => All.FirstOrDefault(i => string.Equals(nameOf(i), name, StringComparison.Ordinal));
}
