package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkProcess measures whole `esgen` processes, start-up included,
// against a minimal Go program that reads the same files and writes the
// same bytes: the floor any Go command pays. Each iteration is one pair,
// the two run back to back in alternating order, so that a machine that
// speeds up or slows down moves both. It reports the median of the
// pairs' wall-time ratios, the medians of each side's wall time and the
// largest peak RSS. `make bench-process` runs it with 40 pairs.
//
// ESGEN_BENCH_ANCHOR, a shell command, adds a pair of that command
// against the render's reference program: the Helm anchor in README.
func BenchmarkProcess(b *testing.B) {
	dir := b.TempDir()
	esgen := filepath.Join(dir, "esgen")
	goBuild(b, ".", "-o", esgen)
	upgrade := filepath.Join(dir, "production-9x.yaml")
	spec, err := os.ReadFile("../../examples/production.yaml")
	if err != nil {
		b.Fatal(err)
	}
	// The same cluster one major version on, so that diff compares every
	// object field by field rather than listing other names.
	if err := os.WriteFile(upgrade, bytes.Replace(spec, []byte("version: 8.19.20"), []byte("version: 9.1.0"), 1), 0o644); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
	}{
		{"render/production", []string{"render", "../../examples/production.yaml"}},
		{"diff/production-hot-warm-cold", []string{"diff", "../../examples/production.yaml", "../../examples/hot-warm-cold.yaml"}},
		{"diff/production-upgrade", []string{"diff", "../../examples/production.yaml", upgrade}},
		{"version", []string{"version"}},
	}
	rss := filepath.Join(dir, "rss", "rss")
	buildProgram(b, filepath.Dir(rss), map[string][]byte{"main.go": []byte(rssSource)})
	var renderRef []string
	for i, c := range cases {
		esgenCmd := append([]string{esgen}, c.args...)
		ref := buildReference(b, filepath.Join(dir, fmt.Sprintf("ref%d", i)), esgenCmd)
		if i == 0 {
			renderRef = ref
		}
		b.Run(c.name, func(b *testing.B) { pairs(b, rss, esgenCmd, ref) })
	}
	if anchor := os.Getenv("ESGEN_BENCH_ANCHOR"); anchor != "" {
		b.Run("anchor", func(b *testing.B) { pairs(b, rss, []string{"sh", "-c", anchor}, renderRef) })
	}
}

// pairs runs cmd and ref once per iteration and reports their ratio,
// then the peak RSS of each over five runs through the rss program.
func pairs(b *testing.B, rss string, cmd, ref []string) {
	var ratios, cmdMS, refMS []float64
	i := 0
	for b.Loop() {
		var c, r time.Duration
		if i%2 == 0 {
			r, c = runOnce(b, ref), runOnce(b, cmd)
		} else {
			c, r = runOnce(b, cmd), runOnce(b, ref)
		}
		i++
		ratios = append(ratios, float64(c)/float64(r))
		cmdMS = append(cmdMS, float64(c)/1e6)
		refMS = append(refMS, float64(r)/1e6)
	}
	b.StopTimer()
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(median(cmdMS), "ms/process")
	b.ReportMetric(median(refMS), "ref-ms/process")
	b.ReportMetric(peakRSS(b, rss, cmd), "peak-RSS-KiB")
	b.ReportMetric(peakRSS(b, rss, ref), "ref-peak-RSS-KiB")
}

// runOnce runs argv with its output discarded; an exit status other
// than 0 or 1 (esgen's "unsafe" and "invalid") fails the benchmark.
func runOnce(b *testing.B, argv []string) time.Duration {
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		b.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	return wall
}

// peakRSS is the largest resident set of five runs of argv in KiB. Linux
// starts a child's peak at its parent's, so the runs go through a small
// program (rssSource) rather than from the large test binary.
func peakRSS(b *testing.B, rss string, argv []string) float64 {
	var peak float64
	for range 5 {
		out, err := exec.Command(rss, argv...).Output()
		if err != nil {
			b.Fatalf("%s %s: %v", rss, strings.Join(argv, " "), err)
		}
		kib, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			b.Fatal(err)
		}
		peak = max(peak, kib)
	}
	return peak
}

// rssSource runs its arguments as a command, output discarded, and
// prints the command's peak resident set in KiB.
const rssSource = `package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
}
`

// buildReference writes and builds the minimal program for argv: it
// reads every file argv names, as esgen does, then writes esgen's stdout
// and stderr (embedded) and exits with its status.
func buildReference(b *testing.B, dir string, argv []string) []string {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			b.Fatal(err)
		}
		code = exit.ExitCode()
	}
	var files []string
	for _, a := range argv[1:] {
		if strings.HasSuffix(a, ".yaml") {
			abs, err := filepath.Abs(a)
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, abs)
		}
	}
	src := `package main

import (
	_ "embed"
	"os"
)

//go:embed stdout
var stdout []byte

//go:embed stderr
var stderr []byte

func main() {
	for _, f := range os.Args[1:] {
		if _, err := os.ReadFile(f); err != nil {
			panic(err)
		}
	}
	os.Stdout.Write(stdout)
	os.Stderr.Write(stderr)
	os.Exit(` + strconv.Itoa(code) + `)
}
`
	bin := buildProgram(b, dir, map[string][]byte{
		"main.go": []byte(src),
		"stdout":  stdout.Bytes(),
		"stderr":  stderr.Bytes(),
	})
	return append([]string{bin}, files...)
}

// buildProgram writes files into dir as a module of its own and builds
// it as dir/BASE, static as esgen's own build (make build) is.
func buildProgram(b *testing.B, dir string, files map[string][]byte) string {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	files["go.mod"] = []byte("module " + filepath.Base(dir) + "\n\ngo 1.26\n")
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	bin := filepath.Join(dir, filepath.Base(dir))
	goBuild(b, dir, "-o", bin, ".")
	return bin
}

// goBuild runs `go build ARGS` in dir, with cgo off as `make build`
// builds esgen: a static binary starts without the dynamic loader.
func goBuild(b *testing.B, dir string, args ...string) {
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
