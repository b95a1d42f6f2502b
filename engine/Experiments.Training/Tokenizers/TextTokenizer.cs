using Experiments.Engine.Execution;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// Turns text into token ids and back. A tokenizer is an artifact of the graph: a folder holding
/// <c>tokenizer.json</c> (its type, format version and everything needed to rebuild it), written by
/// <see cref="Save"/> and read by <see cref="Load(string)"/>.
/// </summary>
/// <remarks>
/// Every implementation treats the literal text <c>&lt;|endoftext|&gt;</c> as the end-of-text token
/// (GPT-2 does the same), so <c>Decode(Encode(s)) == s</c> holds for any text made of characters the
/// tokenizer knows. Implementations are safe to use from several threads at once.
/// </remarks>
public abstract class TextTokenizer
{
    /// <summary>The file every tokenizer folder holds; its <c>"type"</c> field picks the implementation.</summary>
    public const string FileName = "tokenizer.json";

    /// <summary>The text of the end-of-text token, in every implementation.</summary>
    public const string EndOfTextText = "<|endoftext|>";

    /// <summary>"char", "bpe" or "gpt2".</summary>
    public abstract string Type { get; }

    /// <summary>The number of ids: every id is in <c>[0, VocabSize)</c>.</summary>
    public abstract int VocabSize { get; }

    /// <summary>The end-of-text id: appended after each document and used to pad batches.</summary>
    public abstract int EndOfText { get; }

    /// <summary>Ids for <paramref name="text"/>, with no special tokens added.</summary>
    public abstract int[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/>; an id outside <c>[0, VocabSize)</c> throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    public abstract string Decode(ReadOnlySpan<int> ids);

    /// <summary>Writes <see cref="FileName"/> (and vocabulary files, if any) into <paramref name="directory"/>, creating it.</summary>
    public abstract void Save(string directory);

    /// <summary>
    /// Reads a tokenizer folder written by <see cref="Save"/>. A missing, unreadable, corrupt or
    /// unknown-type <see cref="FileName"/> throws <see cref="InvalidDataException"/> naming the file
    /// and the problem.
    /// </summary>
    public static TextTokenizer Load(string directory) => TokenizerFiles.Load(directory);

    /// <summary>
    /// Reads the Tokenizer input <paramref name="inputName"/> of a step; any problem with it fails the
    /// step (<see cref="StepFailedException"/>) naming the input and the problem.
    /// </summary>
    public static TextTokenizer Load(StepContext context, string inputName) => TokenizerFiles.Load(context, inputName);

    /// <summary>Throws unless every id is in <c>[0, VocabSize)</c>.</summary>
    protected void CheckIds(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside this {Type} tokenizer's vocabulary [0, {VocabSize}).");
            }
        }
    }
}
