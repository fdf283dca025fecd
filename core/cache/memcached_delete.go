package cache

import (
	"context"
	"errors"
	"fmt"

	"github.com/bradfitz/gomemcache/memcache"
)

// Delete removes key and, for a chunked value, its chunks. Deleting a
// missing key is not an error.
//
// No write of key issued before the delete lands after it: those still
// queued in the background are dropped, and while the background is
// making one (a try can be neither stopped nor recalled), the delete is
// queued behind it and made by the background (WaitWrites waits for it).
// Only the bytes of a try that timed out but are still on their way to
// memcached can land after the delete.
func (m *Memcached) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache: memcached delete: %w", err)
	}
	if m.bg != nil {
		queued, err := m.bg.deleteInOrder(key)
		if err != nil {
			m.failed()
			return fmt.Errorf("cache: memcached delete: %w", err)
		}
		if queued {
			return nil
		}
	}
	if err := m.del(key); err != nil {
		m.failed()
		return fmt.Errorf("cache: memcached delete: %w", err)
	}
	return nil
}

// del removes key and its chunks.
func (m *Memcached) del(key string) error {
	ik := m.itemKey(key)
	it, err := m.client.Get(ik)
	if errors.Is(err, memcache.ErrCacheMiss) {
		return nil
	}
	if err != nil {
		return err
	}
	// The manifest goes first, so no reader finds it with chunks gone.
	if err := m.client.Delete(ik); err != nil && !errors.Is(err, memcache.ErrCacheMiss) {
		return err
	}
	if mf, err := decodeManifest(it.Value); err == nil {
		for _, k := range mf.chunkKeys(ik) {
			// Chunks left behind are unreachable and expire with their TTL.
			if err := m.client.Delete(k); err != nil && !errors.Is(err, memcache.ErrCacheMiss) {
				break
			}
		}
	}
	return nil
}
