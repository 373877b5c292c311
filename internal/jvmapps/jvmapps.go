// Package jvmapps runs the small Java programs of this directory (src/,
// built by ./build from pom.xml) in tests: real Kafka Streams, Kafka
// Connect JsonConverter and Spring Kafka producers, so that eventscope is
// tested against the bytes those libraries write (issue 24). The jars
// come from Maven Central once and are cached with the compiled classes.
package jvmapps

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	once      sync.Once
	classpath string
	buildErr  string
)

// Classpath builds the programs once per test binary and returns their
// classpath. Without mvn, javac or java it fails t when CI is set (CI must
// run these tests) and skips it otherwise, saying why.
func Classpath(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		var out, errb bytes.Buffer
		cmd := exec.Command(filepath.Join(filepath.Dir(file), "build"))
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			buildErr = "build the JVM programs: " + err.Error() + ": " + errb.String()
			return
		}
		classpath = strings.TrimSpace(out.String())
	})
	if buildErr != "" {
		if os.Getenv("CI") != "" {
			t.Fatal(buildErr)
		}
		t.Skip("skipping (not in CI): " + buildErr)
	}
	return classpath
}

// Run runs io.eventscope.jvmapps.Main with args (a mode and its
// arguments, see src/) and fails t if it fails or runs longer than
// timeout.
func Run(t testing.TB, timeout time.Duration, args ...string) {
	t.Helper()
	cp := Classpath(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	jargs := append([]string{"-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
		"-Djava.io.tmpdir=" + t.TempDir(), "-cp", cp, "io.eventscope.jvmapps.Main"}, args...)
	cmd := exec.CommandContext(ctx, "java", jargs...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("java %s: %v after %s\n%s", strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), out)
	}
	t.Logf("java %s: %s", args[0], time.Since(start).Round(time.Millisecond))
}
