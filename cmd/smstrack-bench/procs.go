package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// server is a process under measurement: smstrack itself or the do-nothing
// handler, which logs its address the same way.
type server struct {
	name     string
	cmd      *exec.Cmd
	addr     string
	logPath  string
	warnings atomic.Int64 // log lines at WARN or ERROR
	exited   chan struct{}
	waitErr  error
}

// startServer runs bin with args and env, waits for its
// `msg="smstrack listening" addr=...` line and keeps its log in logPath.
func startServer(ctx context.Context, name, bin string, args, env []string, logPath string) (*server, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = logFile
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	addrc := make(chan string, 1)
	var logDone sync.WaitGroup
	logDone.Add(1)
	go func() {
		defer logDone.Done()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
				s.warnings.Add(1)
			}
			if strings.Contains(line, `msg="smstrack listening"`) {
				if a := logField(line, "addr"); a != "" {
					select {
					case addrc <- a:
					default:
					}
				}
			}
		}
	}()
	go func() {
		logDone.Wait()
		s.waitErr = cmd.Wait()
		logFile.Close()
		close(s.exited)
	}()
	select {
	case s.addr = <-addrc:
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("%s exited before listening (%v); log: %s\n%s", name, s.waitErr, logPath, tail(logPath, 20))
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, fmt.Errorf("%s did not log its address within 60s; log: %s", name, logPath)
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// stop sends SIGTERM, as an operator would, and waits for the process.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(45 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("%s did not stop within 45s of SIGTERM", s.name)
	}
	if s.waitErr != nil {
		return fmt.Errorf("%s: %w", s.name, s.waitErr)
	}
	return nil
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// cpuTime is the user and system CPU the process has used so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the ")" that ends the command name; utime and stime are
	// fields 14 and 15 of the whole line, in clock ticks (100 per second).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// logField returns the value of key=value in a slog text line.
func logField(line, key string) string {
	i := strings.Index(line, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := line[i+len(key)+2:]
	if strings.HasPrefix(v, `"`) {
		if uq, err := strconv.QuotedPrefix(v); err == nil {
			s, _ := strconv.Unquote(uq)
			return s
		}
	}
	if j := strings.IndexByte(v, ' '); j >= 0 {
		v = v[:j]
	}
	return v
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// postgres is a throwaway cluster started by scripts/postgres.sh.
type postgres struct {
	script, dir, dsn string
}

// pgDurable are the server settings of every PostgreSQL measurement: a
// commit is on disk before it is acknowledged, as in production.
const pgDurable = "-c synchronous_commit=on -c fsync=on -c full_page_writes=on"

// startPostgres starts a cluster in dir (initializing it when empty) with
// durable settings and returns its DSN.
func startPostgres(ctx context.Context, script, dir string) (*postgres, error) {
	// The server runs as the postgres user when we are root; it must be
	// able to reach dir through its parents.
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 && strings.HasPrefix(d, os.TempDir()) {
			_ = os.Chmod(d, fi.Mode().Perm()|0o755)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, script, "start", dir, strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "PGOPTIONS_EXTRA="+pgDurable)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s start: %v: %s", script, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return &postgres{script: script, dir: dir, dsn: strings.TrimSpace(lines[len(lines)-1])}, nil
}

func (p *postgres) stop() {
	_ = exec.Command(p.script, "stop", p.dir).Run()
}

// freePort asks the kernel for a loopback port nobody uses right now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// machine describes where the figures were taken.
func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s RAM, %s", numCPU(), model, mem, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}
