package sqlite

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenReadOnly: a database file that takes no writes fails Open with a
// clear error instead of serving "ready" while every batch fails (issue 17
// F10). The file is made immutable with chattr, which needs root and a file
// system with the attribute; elsewhere the test skips and says so.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", p).CombinedOutput(); err != nil {
			t.Skipf("cannot make the file immutable (chattr +i: %v %s): read-only start not tested here", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", p).Run() })
	} else if err := os.Chmod(p, 0o444); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, p, nil)
	if err == nil {
		s.Close()
		t.Fatal("Open of a read-only database succeeded")
	}
	if !strings.Contains(err.Error(), "takes no writes") {
		t.Errorf("err = %v, want it to say the database takes no writes", err)
	}
}
