using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>A pre-norm transformer block: <c>x + attn(ln_1(x))</c>, then <c>x + mlp(ln_2(x))</c>.</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // parameter names are the state-dict names
    private readonly LayerNorm ln_1;
    private readonly CausalSelfAttention attn;
    private readonly LayerNorm ln_2;
    private readonly FeedForward mlp;
#pragma warning restore IDE1006

    public TransformerBlock(GptConfig config) : base(nameof(TransformerBlock))
    {
        ln_1 = nn.LayerNorm(config.Dim);
        attn = new CausalSelfAttention(config);
        ln_2 = nn.LayerNorm(config.Dim);
        mlp = new FeedForward(config);
        RegisterComponents();
    }

    public CausalSelfAttention Attention => attn;

    public FeedForward Mlp => mlp;

    public override Tensor forward(Tensor input)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = input.add(attn.forward(ln_1.forward(input)));
        return x.add(mlp.forward(ln_2.forward(x))).MoveToOuterDisposeScope();
    }
}
