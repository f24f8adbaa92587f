using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Mask handling of <see cref="MultiheadAttention"/>, following PyTorch 1.13's multi_head_attention_forward:
/// bool masks (true = blocked) become additive −∞ masks, 2-D masks [L, S] broadcast over batch·heads, and
/// the key padding mask [N, S] is merged in per head.
/// </summary>
internal static class AttentionMasks
{
    /// <summary>An additive float mask of shape [1 or N·H, L, S] from a 2-D or 3-D bool or float mask.</summary>
    public static Tensor Prepare(Tensor mask, int tgtLen, int srcLen, int batchHeads, DType dtype)
    {
        if (mask.Rank == 2)
        {
            if (mask.Shape[0] != tgtLen || mask.Shape[1] != srcLen)
                throw new ArgumentException($"MultiheadAttention: 2-D attn_mask must be [{tgtLen}, {srcLen}], got {mask.Shape}.");
            mask = mask.Unsqueeze(0);
        }
        else if (mask.Rank == 3)
        {
            if (mask.Shape[0] != batchHeads || mask.Shape[1] != tgtLen || mask.Shape[2] != srcLen)
                throw new ArgumentException($"MultiheadAttention: 3-D attn_mask must be [{batchHeads}, {tgtLen}, {srcLen}], got {mask.Shape}.");
        }
        else
        {
            throw new ArgumentException($"MultiheadAttention: attn_mask must be 2-D or 3-D, got {mask.Shape}.");
        }
        return ToAdditive(mask, dtype);
    }

    /// <summary>Appends one zero (unmasked) column to the last dim (F.pad(mask, (0, 1))).</summary>
    public static Tensor? PadLast(Tensor? mask)
    {
        if (mask is null) return null;
        var dims = mask.Shape.ToArray();
        dims[^1] = 1;
        return Tensor.Cat([mask, Tensor.Zeros(new Shape(dims), mask.DType)], mask.Rank - 1);
    }

    /// <summary>Combines the key padding mask [N, S] (bool: true = padding; float: added) into the attention mask.</summary>
    public static Tensor MergeKeyPadding(Tensor? mask, Tensor keyPadding, int bsz, int heads, int tgtLen, int srcLen, DType dtype)
    {
        if (keyPadding.Rank != 2 || keyPadding.Shape[0] != bsz || keyPadding.Shape[1] != srcLen)
            throw new ArgumentException($"MultiheadAttention: key_padding_mask must be [{bsz}, {srcLen}], got {keyPadding.Shape}.");
        var perHead = keyPadding.Reshape(bsz, 1, 1, srcLen).Expand(new Shape(bsz, heads, 1, srcLen)).Reshape(bsz * heads, 1, srcLen);
        var additive = ToAdditive(perHead, dtype);
        return mask is null ? additive : mask + additive;
    }

    private static Tensor ToAdditive(Tensor mask, DType dtype)
    {
        if (mask.DType == DType.Bool)
            return Tensor.Zeros(mask.Shape, dtype).MaskedFill(mask, double.NegativeInfinity);
        mask.RequireFloat("MultiheadAttention mask");
        return mask.DType == dtype ? mask : mask.To(dtype);
    }
}
