using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace RqVae.Service.Tests.Support;

/// <summary>Small helpers for calling the service and reading its JSON.</summary>
public static class Http
{
    /// <summary>POSTs <paramref name="json"/> and returns the status and the parsed body (null when it is not JSON).</summary>
    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string path, string json, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await ParseAsync(response), response);
    }

    /// <summary>GETs <paramref name="path"/>.</summary>
    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return ((int)response.StatusCode, await ParseAsync(response), response);
    }

    /// <summary>The JSON of an assign body: one item per (id, features) pair.</summary>
    public static string Items(params (string Id, float[] Features)[] items)
    {
        var text = new StringBuilder("{\"items\":[");
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append("{\"item_id\":\"").Append(items[i].Id).Append("\",\"features\":[")
                .Append(string.Join(',', items[i].Features.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append("]}");
        }
        return text.Append("]}").ToString();
    }

    /// <summary>The numbers of a JSON array.</summary>
    public static int[] Ints(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<int>())];

    private static async Task<JsonNode?> ParseAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
