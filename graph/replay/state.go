package replay

// EntityState is one entity's state at a step.
type EntityState struct {
	Entity string
	// State is shared with the steps: never modify it.
	State map[string]any
}

// State returns the state of every entity seen up to and including step i,
// in the order the entities first appeared. It walks the steps once (the
// states themselves are shared, not copied), so it costs O(i).
func State(steps []Step, i int) []EntityState {
	var out []EntityState
	at := map[string]int{}
	for k := 0; k <= i && k < len(steps); k++ {
		s := &steps[k]
		if s.State == nil {
			continue
		}
		if j, ok := at[s.Entity]; ok {
			out[j].State = s.State
			continue
		}
		at[s.Entity] = len(out)
		out = append(out, EntityState{Entity: s.Entity, State: s.State})
	}
	return out
}

// StateMap is State as a map from entity to state, the shape of the JSON
// API's "state".
func StateMap(steps []Step, i int) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, es := range State(steps, i) {
		out[es.Entity] = es.State
	}
	return out
}
