package diagnose

import "sync"

// Holder keeps a Config that one goroutine may replace while others read
// it (a store's configuration, a baseline learned again). The zero value
// holds Default().
type Holder struct {
	mu  sync.Mutex
	set bool
	c   Config
	ver uint64 // how many Sets
}

// Set replaces the held configuration.
func (h *Holder) Set(c Config) {
	h.mu.Lock()
	h.c, h.set = c, true
	h.ver++
	h.mu.Unlock()
}

// Get returns a copy of the held configuration.
func (h *Holder) Get() *Config {
	c, _ := h.Current()
	return c
}

// Current returns a copy of the held configuration and its version: two
// calls that return the same version return equal configurations.
func (h *Holder) Current() (*Config, uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.set {
		c := Default()
		return &c, h.ver
	}
	c := h.c
	return &c, h.ver
}
