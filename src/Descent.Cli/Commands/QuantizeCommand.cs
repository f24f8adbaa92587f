using System.CommandLine;
using System.Globalization;
using Descent.Compression.Quantization;
using Descent.Experiments;
using Descent.Experiments.Runs;

namespace Descent.Cli;

/// <summary>
/// <c>descent quantize RUN|CKPT [--mode dynamic|static|qat] ...</c>: a trained run becomes a new run directory with its
/// int8 model and report (<see cref="QuantizationFlow"/>); this command parses and prints.
/// </summary>
public static class QuantizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var target = new Argument<string>("run-or-checkpoint") { Description = "A trained float run directory (its best.ckpt, else last.ckpt) or a .ckpt file." };
        var mode = new Option<string>("--mode") { Description = "dynamic (int8 weights, activations per batch), static (calibrated post-training) or qat (quantization-aware training, then int8).", DefaultValueFactory = _ => "static" };
        var calibration = new Option<int>("--calibration-batches") { Description = "Training batches that calibrate the static inputs.", DefaultValueFactory = _ => 32 };
        var epochs = new Option<int>("--epochs") { Description = "Quantization-aware training epochs (qat).", DefaultValueFactory = _ => 1 };
        var lr = new Option<double?>("--lr") { Description = "Constant QAT learning rate (default: 1/20 of the experiment's)." };
        var perChannel = new Option<bool>("--per-channel") { Description = "One weight scale per output channel (the default); --per-tensor for one per layer." };
        var perTensor = new Option<bool>("--per-tensor") { Description = "One weight scale per layer." };
        var fullRange = new Option<bool>("--full-range") { Description = "Activations in [0, 255] instead of 7-bit [0, 127] (slower int16 kernel)." };
        var observer = new Option<string>("--observer") { Description = "Static input observer: minmax, histogram (PyTorch's L2 range search) or percentile (99.99).", DefaultValueFactory = _ => "minmax" };
        var runsDir = new Option<string?>("--runs-dir") { Description = "Folder of the new run (default: beside the source run)." };
        var name = new Option<string?>("--name") { Description = "Name of the new run (default: <run>-int8-<mode>)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the full Fashion-MNIST IDX files." };
        var batches = new Option<string>("--latency-batches") { Description = "Batch sizes timed, comma-separated.", DefaultValueFactory = _ => "1,64,256" };
        var cmd = new Command("quantize", "Quantize a trained model to int8 into a new run directory, with a size/accuracy/latency report.")
        {
            target, mode, calibration, epochs, lr, perChannel, perTensor, fullRange, observer, runsDir, name, dataDir, batches,
        };
        cmd.SetAction(r =>
        {
            var (output, errors) = TrainCommand.Writers(r);
            if (r.GetValue(perChannel) && r.GetValue(perTensor))
                throw new ArgumentException("--per-channel and --per-tensor exclude each other.");
            var spec = new QuantizationSpec(r.GetValue(mode)!, PerChannel: !r.GetValue(perTensor), ReduceRange: !r.GetValue(fullRange), Observer: r.GetValue(observer)!).Validate();
            var latency = ParseBatches(r.GetValue(batches)!);
            // The run-name rule is checked before any data loads or calibration runs (as train, distill and prune do).
            if (r.GetValue(name) is { } runName && RunName.Problem(runName) is { } badName)
                throw new ArgumentException($"--name: {badName}.");
            var request = new QuantizeRequest(r.GetValue(target)!, spec, r.GetValue(calibration), r.GetValue(epochs), r.GetValue(lr),
                r.GetValue(runsDir), r.GetValue(name), r.GetValue(dataDir), latency);
            var report = QuantizationFlow.Run(request, line => errors.WriteLine($"descent: {line}"));
            output.Write(report.ToMarkdown());
            output.WriteLine();
            output.WriteLine($"run: {report.RunDirectory}");
            return 0;
        });
        return cmd;
    }

    private static int[] ParseBatches(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new ArgumentException($"--latency-batches: '{parts[i]}' is not a positive batch size.");
        if (sizes.Length == 0) throw new ArgumentException("--latency-batches: give at least one batch size.");
        return sizes;
    }
}
