// Package revocation keeps the list of revoked token ids in Redis: the
// authorization server writes key "revoked:<jti>" (value "1", with a TTL up
// to the token's exp) and every service looks it up.
package revocation

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// KeyPrefix is the prefix of revocation keys.
const KeyPrefix = "revoked:"

// Redis is a revocation list in Redis.
type Redis struct {
	client  *redis.Client
	timeout time.Duration
}

// NewRedis connects lazily to addr (host:port).
func NewRedis(addr string) *Redis {
	return &Redis{
		client: redis.NewClient(&redis.Options{
			Addr:         addr,
			DialTimeout:  500 * time.Millisecond,
			ReadTimeout:  500 * time.Millisecond,
			WriteTimeout: 500 * time.Millisecond,
			MaxRetries:   1,
		}),
		timeout: time.Second,
	}
}

// Revoked reports whether jti is on the list. Any error must be treated by
// the caller as "cannot tell" (the secure middleware then rejects).
func (r *Redis) Revoked(ctx context.Context, jti string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	n, err := r.client.Exists(ctx, KeyPrefix+jti).Result()
	return n > 0, err
}

// Revoke puts jti on the list for ttl, rounded up to whole seconds and at
// least one second (the key then disappears with the token's lifetime).
func (r *Redis) Revoke(ctx context.Context, jti string, ttl time.Duration) error {
	ttl = max(ttl, time.Second)
	if rem := ttl % time.Second; rem != 0 {
		ttl += time.Second - rem
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return r.client.Set(ctx, KeyPrefix+jti, "1", ttl).Err()
}

// Ping checks the connection.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }
