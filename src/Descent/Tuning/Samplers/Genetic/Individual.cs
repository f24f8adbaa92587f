namespace Descent.Tuning;

/// <summary>An evaluated genome: its fitness (minimized), its evaluation number (0, 1, … in the order asked) and the generation that produced it.</summary>
public sealed record Individual<T>(T Genome, double Fitness, long Number, int Generation);
