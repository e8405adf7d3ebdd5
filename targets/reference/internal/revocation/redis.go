// Package revocation looks revoked token ids up in Redis: the authorization
// server writes key "revoked:<jti>" (with a TTL up to the token's exp).
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

// Ping checks the connection.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }
