package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the testdata/script archives' expected files from the actual output")

// TestMain lets the test binary act as the esgen command inside scripts:
// testscript installs a copy of it named esgen on the scripts' PATH.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"esgen":   func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"kubectl": func() { os.Exit(fakeKubectl()) },
	})
}

// TestScript runs the CLI scripts in testdata/script: one file per command
// and topic, each pinning stdout, stderr and the exact exit status.
func TestScript(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}

// scriptParams returns the parameters every script runs with. Scripts see
//
//	$EXAMPLES  the repository's examples/ directory
//	$GOLDEN    the repository's golden/ directory (each example rendered)
//	$SCHEMA    the committed schema/esgen.schema.json
//	$CRD       the committed schema/esgen.crd.yaml
func scriptParams(t *testing.T, dir string) testscript.Params {
	t.Helper()
	vars := map[string]string{}
	for name, rel := range map[string]string{
		"EXAMPLES": "../../examples",
		"GOLDEN":   "../../golden",
		"SCHEMA":   "../../schema/esgen.schema.json",
		"CRD":      "../../schema/esgen.crd.yaml",
	} {
		abs, err := filepath.Abs(rel)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(abs); err != nil {
			t.Fatal(err)
		}
		vars[name] = abs
	}
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			for name, value := range vars {
				env.Setenv(name, value)
			}
			// The fake kubectl's cluster (see fakekube_test.go), and
			// runbooks that poll without sleeping.
			env.Setenv("ESGEN_FAKE_CLUSTER", filepath.Join(env.WorkDir, "fake-cluster.json"))
			env.Setenv("ESGEN_ROLLOUT_INTERVAL", "0")
			// Under go test -race, esgen is race-enabled too and would sleep
			// 1s at every exit: that makes this test minutes long.
			if gorace := env.Getenv("GORACE"); !strings.Contains(gorace, "atexit_sleep_ms") {
				env.Setenv("GORACE", strings.TrimSpace(gorace+" atexit_sleep_ms=0"))
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":    cmdExitCode,
			"fakecluster": cmdFakeCluster,
		},
	}
}

// cmdExitCode implements
//
//	exitcode N PROGRAM [ARGS...]
//
// which runs PROGRAM like exec and fails the script unless it exits with
// status N exactly. Like exec, it leaves the program's stdout and stderr to
// the stdout, stderr and cmp commands that follow.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode (exitcode N already states the expected status)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 || want > 255 {
		ts.Fatalf("exitcode: status %q is not a number from 0 to 255", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %s did not run: %v", args[1], err)
		}
		got = ee.ExitCode()
		if got < 0 {
			ts.Fatalf("exitcode: %s did not exit: %v", args[1], err)
		}
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// TestExitCodeCommand checks that exitcode fails a script on any status
// other than the one it names, and keeps the output for later commands.
func TestExitCodeCommand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		fail   string // "" when the script must pass, else a line the failing log must hold
	}{
		{name: "zero", script: "exitcode 0 esgen version\nstdout '^esgen '\n! stderr .\n"},
		{name: "two", script: "exitcode 2 esgen\n! stdout .\nstderr '^Usage:'\n"},
		{name: "want1got0", script: "exitcode 1 esgen version\n", fail: "esgen exited with status 0, want 1"},
		{name: "want0got2", script: "exitcode 0 esgen bogus\n", fail: "esgen exited with status 2, want 0"},
		{name: "want2got1", script: "exitcode 2 esgen validate missing.yaml\n", fail: "esgen exited with status 1, want 2"},
		{name: "negated", script: "! exitcode 1 esgen version\n", fail: "unsupported: ! exitcode"},
		{name: "notanumber", script: "exitcode x esgen version\n", fail: `status "x" is not a number`},
		{name: "noprogram", script: "exitcode 0\n", fail: "usage: exitcode N program"},
		{name: "notfound", script: "exitcode 0 esgen-does-not-exist\n", fail: "esgen-does-not-exist did not run"},
		{name: "stderrkept", script: "exitcode 1 esgen validate missing.yaml\n! stdout .\nstderr 'missing.yaml'\n"},
		{name: "stdoutkept", script: "exitcode 0 esgen version\nstdout '^esgen-not-printed'\n", fail: "no match for `^esgen-not-printed` found in stdout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.name+".txtar"), []byte(tc.script), 0o666); err != nil {
				t.Fatal(err)
			}
			p := scriptParams(t, dir)
			p.UpdateScripts = false
			rt := &recordingT{}
			rt.run(func() { testscript.RunT(rt, p) })
			switch {
			case tc.fail == "" && rt.failed:
				t.Errorf("script failed, want it to pass:\n%s", rt.log.String())
			case tc.fail != "" && !rt.failed:
				t.Errorf("script passed, want it to fail with %q:\n%s", tc.fail, rt.log.String())
			case tc.fail != "" && !strings.Contains(rt.log.String(), tc.fail):
				t.Errorf("script failed without %q:\n%s", tc.fail, rt.log.String())
			}
		})
	}
}

// recordingT is a testscript.T that records failures instead of failing
// the test, so that a test can check that a script fails.
type recordingT struct {
	mu     sync.Mutex
	log    strings.Builder
	failed bool
}

// run calls f on a goroutine of its own, so that FailNow can end it, and
// waits for it.
func (t *recordingT) run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func (t *recordingT) Skip(args ...any) {
	t.Log(args...)
	runtime.Goexit()
}

func (t *recordingT) Fatal(args ...any) {
	t.Log(args...)
	t.FailNow()
}

func (t *recordingT) Parallel() {}

func (t *recordingT) Log(args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintln(&t.log, args...)
}

func (t *recordingT) FailNow() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	runtime.Goexit()
}

func (t *recordingT) Run(name string, f func(testscript.T)) {
	t.run(func() { f(t) })
}

func (t *recordingT) Verbose() bool { return false }
