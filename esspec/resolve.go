package esspec

// Resolved is a defaulted, valid spec read once into the facts every
// later stage needs: the parsed version (its methods say what the version
// supports: XPack, BuiltInSecurity, HasRole and the like) and each
// nodeSet's canonical roles and update strategy.
// topology, bootstrap and render read it instead of parsing strings again
// or asking esspec the same questions at every decision. Build it with
// Resolve; read it, never write it.
type Resolved struct {
	// Cluster is the spec, defaulted and valid.
	*Cluster
	// Version is spec.version, parsed.
	Version Version
	// NodeSets are spec.nodeSets, resolved, in spec order.
	NodeSets []*ResolvedNodeSet
}

// ResolvedNodeSet is a nodeSet with what the pipeline derives from it.
type ResolvedNodeSet struct {
	// NodeSet is the spec's nodeSet.
	*NodeSet
	// Index is its position in spec.nodeSets, for field paths.
	Index int
	// Roles are the nodeSet's roles in canonical order (AllRoles'), the
	// order esgen writes them in, so that reordering a spec's roles
	// changes nothing rendered.
	Roles []Role
	// UpdateStrategy of its StatefulSets (Cluster.UpdateStrategyOf).
	UpdateStrategy UpdateStrategy
}

// Resolve validates a defaulted spec (see SetDefaults) and returns its
// resolved view, or an *InvalidError with every validation error.
func Resolve(c *Cluster) (*Resolved, error) {
	if errs, _ := Validate(c); len(errs) > 0 {
		return nil, &InvalidError{Errors: errs}
	}
	v, err := ParseVersion(c.Spec.Version)
	if err != nil {
		return nil, err // Validate refuses it first; kept for safety
	}
	r := &Resolved{Cluster: c, Version: v}
	for i := range c.Spec.NodeSets {
		ns := &c.Spec.NodeSets[i]
		r.NodeSets = append(r.NodeSets, &ResolvedNodeSet{
			NodeSet:        ns,
			Index:          i,
			Roles:          append([]Role{}, CanonicalRoles(ns.Roles)...),
			UpdateStrategy: c.UpdateStrategyOf(ns),
		})
	}
	return r, nil
}

// NodeSet returns the resolved nodeSet of that name, or nil.
func (r *Resolved) NodeSet(name string) *ResolvedNodeSet {
	for _, ns := range r.NodeSets {
		if ns.Name == name {
			return ns
		}
	}
	return nil
}
