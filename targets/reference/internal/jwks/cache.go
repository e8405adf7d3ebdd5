package jwks

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// errRateLimited: a refetch was wanted but the last one is too recent.
var errRateLimited = errors.New("jwks: refetch rate-limited")

// Options configure a Cache.
type Options struct {
	Client     *http.Client
	MinRefresh time.Duration // minimum interval between refetches on a miss
	MaxAge     time.Duration // a set older than this is refetched on next use (0: 5 min)
	Unbounded  bool          // VULN jwks_refetch_unbounded: refetch on every miss
}

type entry struct {
	set     *Set
	fetched time.Time
}

// Cache holds the JWKS of one URL. A lookup that misses (unknown kid, stale
// or never loaded set) refetches at most once per MinRefresh; when a refetch
// fails, the previous set keeps being used.
type Cache struct {
	url  string
	opts Options
	now  func() time.Time

	cur     atomic.Pointer[entry]
	fetches atomic.Int64

	mu       sync.Mutex // serialises refetches, guards lastMiss
	lastMiss time.Time
}

// NewCache returns an empty cache for url.
func NewCache(url string, opts Options) *Cache {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if opts.MaxAge == 0 {
		opts.MaxAge = 5 * time.Minute
	}
	return &Cache{url: url, opts: opts, now: time.Now}
}

// Refresh fetches the set now, with no rate limit (used at start-up).
func (c *Cache) Refresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetch(ctx)
}

// Fetches returns how many fetches were attempted.
func (c *Cache) Fetches() int64 { return c.fetches.Load() }

// Key returns the key for kid (see Set.Lookup for an empty kid).
func (c *Cache) Key(ctx context.Context, kid string) (Key, error) {
	e := c.cur.Load()
	if e != nil && c.now().Sub(e.fetched) < c.opts.MaxAge {
		k, err := e.set.Lookup(kid)
		if err == nil || kid == "" {
			return k, err
		}
	}
	if err := c.refetch(ctx); err != nil && !errors.Is(err, errRateLimited) && e == nil {
		return Key{}, err
	}
	if e = c.cur.Load(); e == nil {
		return Key{}, ErrUnknownKid
	}
	return e.set.Lookup(kid)
}

// KeyForAlg returns the key for a token without kid (see Set.ForAlg). Like
// an empty kid in Key, a miss does not refetch a fresh set; a stale or
// missing set is refetched (rate-limited) first.
func (c *Cache) KeyForAlg(ctx context.Context, alg string) (Key, error) {
	e := c.cur.Load()
	if e == nil || c.now().Sub(e.fetched) >= c.opts.MaxAge {
		if err := c.refetch(ctx); err != nil && !errors.Is(err, errRateLimited) && e == nil {
			return Key{}, err
		}
		if e = c.cur.Load(); e == nil {
			return Key{}, ErrNoKeyForAlg
		}
	}
	return e.set.ForAlg(alg)
}

// FirstRSA returns the first RSA key of the set.
func (c *Cache) FirstRSA(ctx context.Context) (*rsa.PublicKey, error) {
	if c.cur.Load() == nil {
		_ = c.refetch(ctx)
	}
	if e := c.cur.Load(); e != nil {
		if pub, ok := e.set.FirstRSA(); ok {
			return pub, nil
		}
	}
	return nil, errors.New("jwks: no RSA key")
}

func (c *Cache) refetch(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.opts.Unbounded && !c.lastMiss.IsZero() && now.Sub(c.lastMiss) < c.opts.MinRefresh {
		return errRateLimited
	}
	c.lastMiss = now
	return c.fetch(ctx)
}

// fetch must be called with c.mu held.
func (c *Cache) fetch(ctx context.Context) error {
	c.fetches.Add(1)
	// Not tied to the request: a client hanging up must not waste the refetch.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	set, err := Fetch(ctx, c.opts.Client, c.url)
	if err != nil {
		return err
	}
	c.cur.Store(&entry{set: set, fetched: c.now()})
	return nil
}
