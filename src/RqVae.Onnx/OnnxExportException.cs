namespace RqVae.Onnx;

/// <summary>A model that cannot be exported as it encodes (a beam search, balanced assignment, an unknown kind); the message says why and what to do.</summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public OnnxExportException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public OnnxExportException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public OnnxExportException() : base("The model cannot be exported to ONNX.")
    {
    }
}
