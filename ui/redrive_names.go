package ui

// Audit log names of redrives.
const (
	ActionRedrive = "redrive"
	ResultOK      = "ok"
	ResultDryRun  = "dry-run"
	ResultRefused = "refused"
	ResultError   = "error"
)
