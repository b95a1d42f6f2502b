using System.Buffers.Binary;
using System.Text;

namespace Experiments.Training.Native;

/// <summary>
/// Marks symbol-version requirements of a 64-bit little-endian ELF shared library as weak
/// (<c>VER_FLG_WEAK</c> in the <c>vna_flags</c> of its <c>.gnu.version_r</c> entries), so the dynamic
/// loader only notes a missing version instead of refusing the library.
/// </summary>
/// <remarks>
/// Why: TorchSharp's <c>libLibTorchSharp.so</c> is built with GCC 13 and requires
/// <c>GLIBCXX_3.4.32</c>, which Debian 12's libstdc++ (GCC 12) lacks. The only symbol it needs at
/// that version is <c>std::ios_base_library_init()</c>, an anchor GCC 13 headers reference and never
/// call, so the library runs correctly once the requirement is weak (measured, ENVIRONMENT.md).
/// </remarks>
internal static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>
    /// Sets the weak flag on every requirement named in <paramref name="versions"/>. Returns the
    /// names it found and marked (already weak ones included); throws when the file is not an ELF
    /// it understands.
    /// </summary>
    public static IReadOnlyList<string> MarkWeak(Span<byte> elf, IReadOnlySet<string> versions)
    {
        if (elf.Length < 64 || !elf[..4].SequenceEqual("\u007fELF"u8))
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }
        long sectionTable = checked((long)ReadU64(elf, 0x28));
        int sectionSize = ReadU16(elf, 0x3A);
        int sectionCount = ReadU16(elf, 0x3C);

        var marked = new List<string>();
        for (int i = 0; i < sectionCount; i++)
        {
            int header = checked((int)(sectionTable + (long)i * sectionSize));
            if (ReadU32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }
            int offset = checked((int)ReadU64(elf, header + 24));
            int stringSection = (int)ReadU32(elf, header + 40);
            int needCount = (int)ReadU32(elf, header + 44);
            int stringHeader = checked((int)(sectionTable + (long)stringSection * sectionSize));
            int strings = checked((int)ReadU64(elf, stringHeader + 24));

            int need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = ReadU16(elf, need + 2);
                int aux = need + (int)ReadU32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadString(elf, strings + (int)ReadU32(elf, aux + 8));
                    if (versions.Contains(name))
                    {
                        ushort flags = ReadU16(elf, aux + 4);
                        BinaryPrimitives.WriteUInt16LittleEndian(elf[(aux + 4)..], (ushort)(flags | VerFlagWeak));
                        marked.Add(name);
                    }
                    aux += (int)ReadU32(elf, aux + 12);
                }
                need += (int)ReadU32(elf, need + 12);
            }
        }
        return marked;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);

    private static uint ReadU32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);

    private static ulong ReadU64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);

    private static string ReadString(ReadOnlySpan<byte> data, int offset)
    {
        int end = data[offset..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(data.Slice(offset, end < 0 ? data.Length - offset : end));
    }
}
