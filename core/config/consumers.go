package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Consumer names one token of a site (by its fingerprint, the sha256 hex
// that `cratos token inspect` prints) and how often it should pull.
type Consumer struct {
	// Name is how logs, metrics and the console call the consumer.
	Name string `yaml:"name"`
	// ExpectEvery is the consumer's pull interval; it is late when it has
	// not pulled for three times as long. Zero: never late.
	ExpectEvery time.Duration `yaml:"expect_every"`
}

// maxExpectEvery bounds expect_every: a longer interval is a typo.
const maxExpectEvery = 30 * 24 * time.Hour

// ConsumerName returns the configured name of the token with this
// fingerprint, if the site names it.
func (s *Site) ConsumerName(fingerprint string) (Consumer, bool) {
	c, ok := s.Consumers[fingerprint]
	return c, ok
}

// normaliseConsumers lower-cases the fingerprints of consumers and checks
// every entry; it returns one error per problem.
func (s *Site) normaliseConsumers() []error {
	if len(s.Consumers) == 0 {
		return nil
	}
	var errs []error
	out := make(map[string]Consumer, len(s.Consumers))
	names := map[string]string{}
	fps := make([]string, 0, len(s.Consumers))
	for fp := range s.Consumers {
		fps = append(fps, fp)
	}
	sort.Strings(fps)
	for _, raw := range fps {
		c := s.Consumers[raw]
		fp := strings.ToLower(strings.TrimSpace(raw))
		where := "consumers." + raw
		if !isHex(fp, 64) {
			errs = append(errs, fmt.Errorf("consumers.%s: the key must be a token fingerprint (64 hex digits, from cratos token inspect)", quoteEntry(raw)))
			continue
		}
		if _, dup := out[fp]; dup {
			errs = append(errs, fmt.Errorf("%s: fingerprint listed twice", where))
			continue
		}
		if err := checkConsumerName(c.Name); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		} else if prev, dup := names[c.Name]; dup {
			errs = append(errs, fmt.Errorf("%s: name %q is also used by %s", where, c.Name, prev))
		}
		names[c.Name] = raw
		if c.ExpectEvery < 0 || c.ExpectEvery > maxExpectEvery {
			errs = append(errs, fmt.Errorf("%s: expect_every %s: want 0 (never late) up to 720h", where, c.ExpectEvery))
		} else if c.ExpectEvery > 0 && c.ExpectEvery < time.Second {
			errs = append(errs, fmt.Errorf("%s: expect_every %s: want at least 1s", where, c.ExpectEvery))
		}
		out[fp] = c
	}
	s.Consumers = out
	return errs
}

// checkConsumerName allows names that read well in a log line and a
// Prometheus label: 1-64 ASCII letters, digits, '.', '_', '-' or '@'.
func checkConsumerName(name string) error {
	if name == "" {
		return errors.New("name is required")
	}
	if len(name) > 64 {
		return fmt.Errorf("name %q: at most 64 characters", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)
		if !ok {
			return fmt.Errorf("name %q: only ASCII letters, digits, '.', '_', '-' and '@'", name)
		}
	}
	return nil
}
