package revocation

import (
	"context"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"auth-gauntlet/reference/internal/testkit"
)

func TestUnreachableIsAnError(t *testing.T) {
	addr := testkit.FreeAddr(t) // nothing listens there now
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
	addr := testkit.FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	r := NewRedis(addr)
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
	if err := r.Revoke(ctx, "revoked-by-as", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if ttl := r.client.TTL(ctx, KeyPrefix+"revoked-by-as").Val(); ttl <= 85*time.Second || ttl > 90*time.Second {
		t.Errorf("TTL = %v, want about 90s", ttl)
	}
	for jti, want := range map[string]bool{"gone": true, "revoked-by-as": true, "live": false} {
		got, err := r.Revoked(ctx, jti)
		if err != nil || got != want {
			t.Errorf("Revoked(%q) = %v, %v; want %v", jti, got, err, want)
		}
	}
}

func TestRevokeTTL(t *testing.T) {
	mr := miniredis.RunT(t)
	r := NewRedis(mr.Addr())
	defer r.Close()
	ctx := context.Background()
	for _, tt := range []struct {
		ttl, want time.Duration
	}{
		{15 * time.Minute, 15 * time.Minute}, {1500 * time.Millisecond, 2 * time.Second},
		{time.Millisecond, time.Second}, {0, time.Second}, {-time.Hour, time.Second},
	} {
		jti := "j" + tt.ttl.String()
		if err := r.Revoke(ctx, jti, tt.ttl); err != nil {
			t.Fatal(err)
		}
		if got := mr.TTL(KeyPrefix + jti); got != tt.want {
			t.Errorf("Revoke(ttl %v): key TTL %v, want %v", tt.ttl, got, tt.want)
		}
		if v, _ := mr.Get(KeyPrefix + jti); v != "1" {
			t.Errorf("value %q, want 1", v)
		}
		if got, err := r.Revoked(ctx, jti); !got || err != nil {
			t.Errorf("Revoked(%q) = %v, %v", jti, got, err)
		}
	}
	mr.FastForward(time.Second)
	if got, _ := r.Revoked(ctx, "j1ms"); got {
		t.Error("key must expire with its TTL")
	}
	mr.Close()
	if err := r.Revoke(ctx, "x", time.Minute); err == nil {
		t.Error("want an error when Redis is down")
	}
}
