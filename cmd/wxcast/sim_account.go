package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// accountFlags declares `wxcast sim --account KIND` and
// `--ip-allowlist-refuses` on fs. The function it returns, called once
// the flags are parsed, makes the simulated app that kind of account
// (docs/accounts.md): the APIs the kind lacks answer 48001, and with the
// allowlist refusing the token endpoints answer 40164. It returns what
// the simulator plays, in words for the banner.
func accountFlags(fs *pflag.FlagSet) func(sim *wxsim.Server, appID string) (string, error) {
	kind := fs.String("account", wxsim.KindVerifiedService.String(),
		"kind of account: verified-service, service, verified-subscription, subscription or test")
	refuse := fs.Bool("ip-allowlist-refuses", false, "answer 40164 to every token request, as if this machine's IP were not in the account's IP allowlist")
	return func(sim *wxsim.Server, appID string) (string, error) {
		k, err := wxsim.ParseAccountKind(*kind)
		if err != nil {
			return "", usageError{err: fmt.Errorf("--account: %w", err)}
		}
		sim.SetAccountKind(appID, k)
		sim.RefuseIP(appID, *refuse)
		plays := k.String() + " (--account)"
		if *refuse {
			plays += ", every token request refused with 40164 (--ip-allowlist-refuses)"
		}
		return plays, nil
	}
}
