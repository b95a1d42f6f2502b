using Experiments.Training.Native;

namespace Experiments.Training.Tests.Native;

public sealed class ElfVersionPatcherTests
{
    private static string ShippedLibrary()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        return Path.Combine(folder, "libLibTorchSharp.so");
    }

    [Fact]
    public void Marks_the_named_requirement_weak_and_nothing_else()
    {
        byte[] original = File.ReadAllBytes(ShippedLibrary());
        byte[] patched = (byte[])original.Clone();

        IReadOnlyList<string> marked = ElfVersionPatcher.MarkWeak(patched, new HashSet<string> { "GLIBCXX_3.4.32" });

        Assert.Equal(["GLIBCXX_3.4.32"], marked);
        int[] changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        int only = Assert.Single(changed);
        Assert.Equal(original[only] | 0x2, patched[only]);
    }

    [Fact]
    public void Rejects_a_file_that_is_not_elf()
    {
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeak("not an elf file at all, clearly"u8.ToArray(), new HashSet<string>()));

        Assert.Equal("not an ELF file", error.Message);
    }
}
