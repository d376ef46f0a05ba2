package drill

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
)

// cp is the control plane every drill of the test binary shares.
var cp *ControlPlane

func TestMain(m *testing.M) {
	var logs io.Writer = io.Discard
	if os.Getenv("ESGEN_DRILL_LOGS") != "" {
		logs = os.Stderr
	}
	var err error
	cp, err = Start(context.Background(), logs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		os.Exit(1)
	}
	code := m.Run()
	cp.Stop()
	os.Exit(code)
}

// examples returns every example spec, resolved, by name.
func examples(t *testing.T) map[string]*esspec.Resolved {
	t.Helper()
	paths, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	out := map[string]*esspec.Resolved{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := esspec.Load(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		esspec.SetDefaults(c)
		r, err := esspec.Resolve(c)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[strings.TrimSuffix(filepath.Base(path), ".yaml")] = r
	}
	return out
}

// deploy deploys a spec and deletes it when the test ends.
func deploy(t *testing.T, spec *esspec.Resolved, opts Options) *Deployment {
	t.Helper()
	ctx := t.Context()
	d, err := cp.Deploy(ctx, spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Delete(context.Background()); err != nil {
			t.Errorf("deleting the deployment: %v", err)
		}
	})
	return d
}

// deployReady deploys a spec and waits until every pod is Ready and the
// budgets have counted them, as a cluster is before anyone drains or
// changes it.
func deployReady(t *testing.T, spec *esspec.Resolved, opts Options) *Deployment {
	t.Helper()
	d := deploy(t, spec, opts)
	if err := d.WaitReady(t.Context(), time.Minute); err != nil {
		t.Fatal(err)
	}
	return d
}

// specCount is how many generated specs the drills run: ESGEN_DRILL_SPECS,
// default 100.
func specCount(t *testing.T) int {
	n := 100
	if s := os.Getenv("ESGEN_DRILL_SPECS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("ESGEN_DRILL_SPECS=%q: %v", s, err)
		}
	}
	return n
}

func generated(t *testing.T, seed uint64) *esspec.Resolved {
	c := specgen.Generate(seed)
	esspec.SetDefaults(c)
	r, err := esspec.Resolve(c)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	return r
}
