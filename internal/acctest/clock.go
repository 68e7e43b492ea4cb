package acctest

import (
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Clock is a clock that a test moves by hand, shared by the provider and the test's emulator, so
// that what depends on time passing (a URL falling due for renewal) is tested without waiting and
// whatever the machine's speed. It starts at the real time, to the second, and stands still until
// Advance, so that expiry times can be checked exactly. The emulator checks the timestamps of
// requests, which are signed with the real time, against it and accepts 15 minutes either way: a
// test moves it by a few minutes in all, which leaves it more than ten minutes of real time to run.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at the current time, rounded down to the second.
func NewClock() *Clock {
	return &Clock{now: time.Now().Truncate(time.Second)}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Emulator is an option of New that makes the emulator read its time from c.
func (c *Clock) Emulator(o *vodemu.Options) { o.Now = c.Now }

// ProviderFactories serves a provider that reads its time from c.
func (c *Clock) ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"vod": providerserver.NewProtocol6WithError(provider.NewWithClock("acctest", c.Now)()),
	}
}
