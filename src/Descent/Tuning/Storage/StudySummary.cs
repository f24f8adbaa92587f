namespace Descent.Tuning;

/// <summary>Identity of a stored study: its id, name and objective directions.</summary>
public sealed record StudySummary(long StudyId, string StudyName, IReadOnlyList<StudyDirection> Directions);
