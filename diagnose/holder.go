package diagnose

import "sync"

// Holder keeps a Config that one goroutine may replace while others read
// it (a store's configuration, a baseline learned again). The zero value
// holds Default().
type Holder struct {
	mu  sync.Mutex
	set bool
	c   Config
}

// Set replaces the held configuration.
func (h *Holder) Set(c Config) {
	h.mu.Lock()
	h.c, h.set = c, true
	h.mu.Unlock()
}

// Get returns a copy of the held configuration.
func (h *Holder) Get() *Config {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.set {
		c := Default()
		return &c
	}
	c := h.c
	return &c
}
