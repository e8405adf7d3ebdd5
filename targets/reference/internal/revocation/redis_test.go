package revocation

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

func TestUnreachableIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	r := NewRedis(addr)
	defer r.Close()
	if _, err := r.Revoked(context.Background(), "abc"); err == nil {
		t.Fatal("want an error when Redis is unreachable")
	}
}

// TestRealRedis runs only where a redis-server binary is installed.
func TestRealRedis(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	r := NewRedis("127.0.0.1:" + strconv.Itoa(port))
	defer r.Close()
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Second)
	for r.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := r.client.Set(ctx, KeyPrefix+"gone", "1", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	for jti, want := range map[string]bool{"gone": true, "live": false} {
		got, err := r.Revoked(ctx, jti)
		if err != nil || got != want {
			t.Errorf("Revoked(%q) = %v, %v; want %v", jti, got, err, want)
		}
	}
}
