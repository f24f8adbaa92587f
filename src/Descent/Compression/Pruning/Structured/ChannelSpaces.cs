namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// The channel spaces met while tracing a model, merged with union-find when a residual sum couples them; each
/// collects its member layers and the reasons it is fixed. The roots become the <see cref="PruningGroup"/>s.
/// </summary>
internal sealed class ChannelSpaces
{
    private readonly List<int> _parent = [];
    private readonly List<int> _channels = [];
    private readonly List<List<(int Order, GroupMember Member)>> _members = [];
    private int _added;
    private readonly List<List<string>> _fixed = [];

    /// <summary>A new space of <paramref name="channels"/> channels; its id.</summary>
    public int New(int channels)
    {
        _parent.Add(_parent.Count);
        _channels.Add(channels);
        _members.Add([]);
        _fixed.Add([]);
        return _parent.Count - 1;
    }

    /// <summary>The representative of <paramref name="space"/>'s merged set.</summary>
    public int Find(int space)
    {
        while (_parent[space] != space)
        {
            _parent[space] = _parent[_parent[space]];
            space = _parent[space];
        }
        return space;
    }

    /// <summary>Number of channels of <paramref name="space"/>.</summary>
    public int Channels(int space) => _channels[Find(space)];

    /// <summary>Merges two spaces whose channels are added together at <paramref name="where"/>.</summary>
    public void Union(int a, int b, string where)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return;
        if (_channels[ra] != _channels[rb])
            throw new DescentInternalException($"dependency trace: {where} adds {_channels[ra]} channels to {_channels[rb]}; the forward pass should have failed.");
        if (rb < ra) (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _members[ra].AddRange(_members[rb]);
        _fixed[ra].AddRange(_fixed[rb]);
        _members[rb].Clear();
        _fixed[rb].Clear();
    }

    /// <summary>Records that <paramref name="member"/> takes part in <paramref name="space"/>.</summary>
    public void Add(int space, GroupMember member) => _members[Find(space)].Add((_added++, member));

    /// <summary>Records that <paramref name="space"/>'s channels must stay, and why.</summary>
    public void Fix(int space, string reason)
    {
        var reasons = _fixed[Find(space)];
        if (!reasons.Contains(reason)) reasons.Add(reason);
    }

    /// <summary>The merged spaces that have members, in order of creation, as groups.</summary>
    public IReadOnlyList<PruningGroup> Groups()
    {
        var groups = new List<PruningGroup>();
        for (int s = 0; s < _parent.Count; s++)
        {
            if (Find(s) != s || _members[s].Count == 0) continue;
            var reasons = new List<string>(_fixed[s]);
            var members = _members[s].OrderBy(m => m.Order).Select(m => m.Member).ToList();
            if (!members.Any(m => m.Role == GroupRole.Producer)) reasons.Add("no layer computes these channels");
            groups.Add(new PruningGroup(groups.Count, _channels[s], members, reasons));
        }
        return groups;
    }
}
