// Package jvmapps runs the small Java programs of this directory (src/,
// built by ./build from pom.xml) in tests: real Kafka Streams, Kafka
// Connect JsonConverter and Spring Kafka producers, so that eventscope is
// tested against the bytes those libraries write (issue 24); and programs
// with libraries of their own in subdirectories (axon/: an Axon Framework
// application publishing with Axon's Kafka extension, issue 13). The jars
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

// Programs: "" is this directory's (src/, main class
// io.eventscope.jvmapps.Main), Axon the Axon application (axon/src/, main
// class io.eventscope.axonapp.Main).
const (
	Default = ""
	Axon    = "axon"
)

var mains = map[string]string{Default: "io.eventscope.jvmapps.Main", Axon: "io.eventscope.axonapp.Main"}

type built struct {
	once      sync.Once
	classpath string
	err       string
}

var builds = map[string]*built{Default: {}, Axon: {}}

// Classpath builds the default programs once per test binary and returns
// their classpath. Without mvn, javac or java it fails t when CI is set
// (CI must run these tests) and skips it otherwise, saying why.
func Classpath(t testing.TB) string {
	t.Helper()
	return ClasspathOf(t, Default)
}

// ClasspathOf is Classpath for the program prog (Default or Axon).
func ClasspathOf(t testing.TB, prog string) string {
	t.Helper()
	b := builds[prog]
	b.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		var out, errb bytes.Buffer
		cmd := exec.Command(filepath.Join(filepath.Dir(file), "build"), prog)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			b.err = "build the JVM programs " + prog + ": " + err.Error() + ": " + errb.String()
			return
		}
		b.classpath = strings.TrimSpace(out.String())
	})
	if b.err != "" {
		if os.Getenv("CI") != "" {
			t.Fatal(b.err)
		}
		t.Skip("skipping (not in CI): " + b.err)
	}
	return b.classpath
}

// Run runs io.eventscope.jvmapps.Main with args (a mode and its
// arguments, see src/) and fails t if it fails or runs longer than
// timeout.
func Run(t testing.TB, timeout time.Duration, args ...string) {
	t.Helper()
	RunProgram(t, Default, timeout, args...)
}

// RunProgram runs the main class of prog with args and fails t if it
// fails or runs longer than timeout.
func RunProgram(t testing.TB, prog string, timeout time.Duration, args ...string) {
	t.Helper()
	cp := ClasspathOf(t, prog)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	jargs := append([]string{"-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
		"-Djava.io.tmpdir=" + t.TempDir(), "-cp", cp, mains[prog]}, args...)
	cmd := exec.CommandContext(ctx, "java", jargs...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("java %s: %v after %s\n%s", strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), out)
	}
	t.Logf("java %s %s: %s", mains[prog], args[0], time.Since(start).Round(time.Millisecond))
}
