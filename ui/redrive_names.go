package ui

import "github.com/eventscope/eventscope/redrive"

// Audit log names of redrives (package redrive's) and of alerts.
const (
	ActionRedrive = redrive.Action
	ActionAlert   = "alert"
	ResultOK      = redrive.ResultOK
	ResultDryRun  = "dry-run"
	ResultRefused = "refused"
	ResultError   = "error"
)
