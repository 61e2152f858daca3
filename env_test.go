package main

import (
	"bytes"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMain lets tests run the command in a child process, for behaviour
// that Go reads from the environment once per process (proxies, CA files).
func TestMain(m *testing.M) {
	if os.Getenv("INSERT_FROM_URL_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

func runChild(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "INSERT_FROM_URL_TEST_MAIN=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func TestSSLCertFile(t *testing.T) {
	s := quietTLSServer(t, text("trusted\n", "text/plain"))
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	runChild(t, []string{"SSL_CERT_FILE=" + ca}, s.URL).check(t, 0, "", "trusted\n")
	runChild(t, []string{"SSL_CERT_FILE=" + filepath.Join(t.TempDir(), "none.pem")}, s.URL).check(t, 60, "untrusted certificate", "")
}

func TestProxyFromEnvironment(t *testing.T) {
	var seen string
	proxy := serve(t, func(w http.ResponseWriter, r *http.Request) {
		seen = r.URL.String() // a proxy sees the absolute URL
		io.WriteString(w, "via proxy\n")
	})
	// A name that never resolves: only the proxy can answer for it.
	runChild(t, []string{"HTTP_PROXY=" + proxy.URL, "NO_PROXY="}, "http://site.example.invalid/page").check(t, 0, "", "via proxy\n")
	if seen != "http://site.example.invalid/page" {
		t.Errorf("proxy saw %q", seen)
	}
}

// quietTLSServer is httptest.NewTLSServer without the log line of each
// handshake that a test makes fail on purpose.
func quietTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}
