using System.Buffers.Binary;
using System.Text;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Platform;

public class TorchSharpLoadsTests
{
    private const ushort VerFlgWeak = 0x2;

    [Fact]
    public void Native_LibTorch_loads_and_computes()
    {
        // If libLibTorchSharp.so cannot be loaded (e.g. the GLIBCXX_3.4.32 patch of build/ did not run),
        // this throws TypeInitializationException with the loader's reason, failing loudly.
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void Shim_in_output_declares_GLIBCXX_3_4_32_as_weak()
    {
        var shims = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(shims);
        foreach (var path in shims)
        {
            // The version need itself must still be there (the patch flags it, it does not strip it) ...
            var flags = VersionNeedFlags(File.ReadAllBytes(path), "GLIBCXX_3.4.32");
            Assert.True(flags is not null, $"{path} no longer needs GLIBCXX_3.4.32; has TorchSharp been upgraded? Revisit build/LibTorchSharpElfPatch.targets.");
            // ... and weak, so a loader whose libstdc++ lacks it loads the shim instead of refusing it.
            Assert.True((flags!.Value & VerFlgWeak) != 0, $"{path}: the GLIBCXX_3.4.32 version need has vna_flags 0x{flags:x}, without VER_FLG_WEAK (0x2).");
        }
    }

    /// <summary>
    /// The <c>vna_flags</c> of the version need named <paramref name="version"/> in an ELF64 little-endian file, or
    /// null when it has none. Read independently of the build's patch: the <c>.gnu.version_r</c> section is found by
    /// its name in <c>.shstrtab</c> (the patch goes by section type), then its Verneed entries and their Vernaux
    /// entries are walked, each name read from the string table the section links to (<c>.dynstr</c>).
    /// </summary>
    private static ushort? VersionNeedFlags(byte[] elf, string version)
    {
        Assert.True(elf.Length >= 64 && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F', "not an ELF file");
        Assert.True(elf[4] == 2 && elf[5] == 1, "not a 64-bit little-endian ELF file");
        ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)at));
        uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)at));
        ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)at));
        string Name(long at)
        {
            var end = Array.IndexOf(elf, (byte)0, (int)at);
            return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
        }

        // ELF header: e_shoff at 0x28, e_shentsize at 0x3A, e_shnum at 0x3C, e_shstrndx at 0x3E.
        var sectionHeaders = (long)U64(0x28);
        int entrySize = U16(0x3A), sectionCount = U16(0x3C), namesIndex = U16(0x3E);
        long Header(int index) => sectionHeaders + (long)index * entrySize;
        // Section header: sh_name at 0, sh_offset at 0x18, sh_size at 0x20, sh_link at 0x28, sh_info at 0x2C.
        var sectionNames = (long)U64(Header(namesIndex) + 0x18);
        var versionR = Enumerable.Range(0, sectionCount).Select(Header).Where(h => Name(sectionNames + U32(h)) == ".gnu.version_r").ToArray();
        var section = Assert.Single(versionR);
        var strings = Header((int)U32(section + 0x28));
        Assert.Equal(".dynstr", Name(sectionNames + U32(strings)));
        var stringTable = (long)U64(strings + 0x18);

        // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32 (sh_info entries).
        // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
        var need = (long)U64(section + 0x18);
        for (var n = 0u; n < U32(section + 0x2C); n++)
        {
            var aux = need + U32(need + 8);
            for (var a = 0; a < U16(need + 2); a++)
            {
                if (Name(stringTable + U32(aux + 8)) == version) return U16(aux + 4);
                aux += U32(aux + 12);
            }
            need += U32(need + 12);
        }
        return null;
    }
}
