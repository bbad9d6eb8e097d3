package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/bot/adminclaim"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
)

func adminsCmd(c *cli) *cobra.Command {
	g := group("admins", "add an admin: they send a one-time code from their WeChat", adminsAddCmd(c))
	c.addConfigFlag(g)
	return g
}

// The bounds of --wait.
const (
	minAdminWait = time.Minute
	maxAdminWait = 24 * time.Hour
)

func adminsAddCmd(c *cli) *cobra.Command {
	var (
		name, roles string
		wait        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "add --name NAME --roles ROLES [--wait 10m]",
		Short: "print a one-time code; once the new admin sends it to the account, print their admins entry",
		Example: `  wxcast admins add --config wxcast.yaml --name 小李 --roles owner
  wxcast admins add --name 王芳 --roles editor,approver --wait 30m`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAdminsAdd(cmd.Context(), &c.config, name, roles, wait, c.stdout)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new admin's name, shown in replies and the audit log (required)")
	cmd.Flags().StringVar(&roles, "roles", "", "their roles, comma-separated: editor, approver, owner (required)")
	cmd.Flags().DurationVar(&wait, "wait", 10*time.Minute, "how long the code works (1m to 24h)")
	return cmd
}

// runAdminsAdd checks the flags and the configuration of `wxcast admins
// add`, and runs addAdmin on the server's Redis.
func runAdminsAdd(ctx context.Context, conf *configFlag, name, roles string, wait time.Duration, stdout io.Writer) error {
	if wait < minAdminWait || wait > maxAdminWait {
		return usagef("--wait must be between %v and %v, got %v", minAdminWait, maxAdminWait, wait)
	}
	o := addAdminOptions{Name: name, Roles: splitRoles(roles), Wait: wait, ConfigFile: conf.path}
	// The flags first, on the defaults: a mistyped role is reported even
	// before the configuration is right.
	defaults := configs.Default()
	if err := o.checkFlags(adminsCheck(&defaults), false); err != nil {
		return usageError{err: err}
	}
	cfg, err := conf.load()
	if err != nil {
		return err
	}
	o.Existing, o.Check, o.Location = cfg.Admins, adminsCheck(cfg), cfg.Location
	if err := o.checkFlags(o.Check, true); err != nil {
		return err
	}
	if cfg.Redis.URL.Value() == "" {
		return errors.New("redis.url is empty: the server keeps its data in an in-memory store inside its own process, " +
			"which this command cannot reach. Give the server and this command the same Redis (redis.url or WXCAST_REDIS_URL). " +
			"Without one, have the person send 帮助 to the account and read their openid from the server's log line " +
			"\"a follower who is not an admin typed an admin command\"")
	}
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, nil)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	o.Codes = st.AdminClaims()
	return addAdmin(ctx, o, stdout)
}

// splitRoles reads --roles: names separated by commas or spaces.
func splitRoles(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' || r == '，' })
}

// adminsCheck validates an admins list as the server will at its next
// start: cfg with admins replaced, every problem keyed as the
// configuration keys it ("admins[1].roles", "broadcast.approvals_required").
func adminsCheck(cfg *configs.Config) func([]configs.Admin) error {
	return func(admins []configs.Admin) error {
		probe := *cfg
		probe.Admins = admins
		return probe.Validate()
	}
}

// adminCodes is where the one-time codes live (store.AdminClaims).
type adminCodes interface {
	Offer(ctx context.Context, code string, ttl time.Duration) (bool, error)
	Claimant(ctx context.Context, code string) (openid string, exists bool, err error)
	Withdraw(ctx context.Context, code string) (openid string, err error)
}

// addAdminOptions is one run of `wxcast admins add`.
type addAdminOptions struct {
	Name  string
	Roles []string
	// Wait is how long the code works.
	Wait time.Duration
	// Existing are the admins configured now; the printed list adds the
	// new one to them.
	Existing []configs.Admin
	// ConfigFile names the configuration file in the instructions ("" if
	// none was given).
	ConfigFile string
	// Check validates a whole admins list as the server would (see
	// adminsCheck); nil checks nothing.
	Check func([]configs.Admin) error
	Codes adminCodes
	// Location is the account's time zone (config timezone), in which the
	// code's expiry is shown; the host's zone when nil.
	Location *time.Location
	// Poll is how often the code is read (500 ms when zero); Progress how
	// often "still waiting" is printed (a minute when zero).
	Poll, Progress time.Duration
}

// pendingOpenID stands in for the new admin's openid while it is unknown:
// a valid openid no WeChat account has (theirs start with "o").
const pendingOpenID = "wxcast_admins_add_pending"

// checkFlags checks --name and --roles by the configuration's own rules
// (check, see adminsCheck) and, with others, that the admins list with
// the new admin still lets the server start (enough approvers for
// broadcast.approvals_required), before any code is handed out.
func (o *addAdminOptions) checkFlags(check func([]configs.Admin) error, others bool) error {
	err := check(append(slices.Clone(o.Existing), configs.Admin{OpenID: pendingOpenID, Name: o.Name, Roles: o.Roles}))
	item := fmt.Sprintf("admins[%d]", len(o.Existing))
	var problems []string
	for _, e := range unjoin(err) {
		var fe *configs.FieldError
		switch {
		case !errors.As(e, &fe):
			if others {
				problems = append(problems, e.Error())
			}
		case fe.Key == item+".name":
			problems = append(problems, "--name "+strconv.Quote(o.Name)+": "+fe.Err.Error())
		case fe.Key == item+".roles":
			problems = append(problems, "--roles "+strconv.Quote(strings.Join(o.Roles, ","))+": "+fe.Err.Error())
		case fe.Key == item+".openid":
			// The placeholder; the real openid is checked once known.
		case others:
			problems = append(problems, "with this admin added, "+fe.Key+": "+fe.Err.Error())
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n  "))
	}
	return nil
}

// unjoin lists the errors errors.Join put together (err itself otherwise).
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// addAdmin offers a one-time code, waits until someone sends it to the
// account (any replica of the server claims it), then prints the admins
// entry with the sender's openid. Ending ctx (Ctrl-C) withdraws the code.
func addAdmin(ctx context.Context, o addAdminOptions, w io.Writer) error {
	if o.Poll <= 0 {
		o.Poll = 500 * time.Millisecond
	}
	if o.Progress <= 0 {
		o.Progress = time.Minute
	}
	code, err := offerCode(ctx, o.Codes, o.Wait)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(o.Wait)
	shown := deadline
	if o.Location != nil {
		shown = deadline.In(o.Location)
	}
	fmt.Fprintf(w, "From the WeChat of %s, send this code to the Official Account as a text message:\n\n    %s\n\n", o.Name, code)
	fmt.Fprintf(w, "It works once, for %v (until %s). Waiting for it… (Ctrl-C cancels)\n", o.Wait, shown.Format("15:04:05 MST"))

	openid, err := waitForClaim(ctx, o, code, deadline, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nReceived from openid %s.\n", openid)
	return printAdmins(w, o, openid)
}

// offerCode stores a fresh code; a code already in use is drawn again.
func offerCode(ctx context.Context, codes adminCodes, ttl time.Duration) (string, error) {
	for range 3 {
		code, err := adminclaim.NewCode()
		if err != nil {
			return "", err
		}
		ok, err := codes.Offer(ctx, code, ttl)
		if err != nil {
			return "", fmt.Errorf("%w", err)
		}
		if ok {
			return code, nil
		}
	}
	return "", errors.New("three codes drawn were all in use; try again")
}

// waitForClaim polls the code until it is claimed, the deadline passes or
// ctx ends; then the code is withdrawn. A claim that lands while it is
// withdrawn still counts: the sender was told it arrived.
func waitForClaim(ctx context.Context, o addAdminOptions, code string, deadline time.Time, w io.Writer) (string, error) {
	withdraw := func() (string, error) {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return o.Codes.Withdraw(wctx, code)
	}
	poll := time.NewTicker(o.Poll)
	defer poll.Stop()
	progress := time.NewTicker(o.Progress)
	defer progress.Stop()
	expired := time.NewTimer(time.Until(deadline))
	defer expired.Stop()
	for {
		select {
		case <-poll.C:
			openid, exists, err := o.Codes.Claimant(ctx, code)
			switch {
			case err != nil && ctx.Err() == nil:
				_, _ = withdraw()
				return "", fmt.Errorf("%w (the code is withdrawn)", err)
			case err == nil && !exists:
				return "", fmt.Errorf("the code is gone from Redis before its time (removed by someone else?); run the command again")
			case openid != "":
				_, _ = withdraw()
				return openid, nil
			}
		case <-progress.C:
			fmt.Fprintf(w, "still waiting, %v left\n", time.Until(deadline).Round(time.Second))
		case <-expired.C:
			openid, err := withdraw()
			if err == nil && openid != "" {
				return openid, nil
			}
			return "", fmt.Errorf("the code expired after %v without arriving; run the command again (--wait gives more time)", o.Wait)
		case <-ctx.Done():
			openid, err := withdraw()
			if err == nil && openid != "" {
				return openid, nil
			}
			if err != nil {
				return "", fmt.Errorf("cancelled, but withdrawing the code failed (it expires by itself at %s): %w", deadline.Format("15:04:05"), err)
			}
			return "", errors.New("cancelled; the code is withdrawn and no longer works")
		}
	}
}

// printAdmins prints the admins list with the new admin added, as YAML
// for the configuration file and as WXCAST_ADMINS, and what to do next.
func printAdmins(w io.Writer, o addAdminOptions, openid string) error {
	for i, a := range o.Existing {
		if a.OpenID == openid {
			return fmt.Errorf("openid %s is already configured as admins[%d] (%s); to change their roles, edit that entry", openid, i, a.Name)
		}
	}
	admins := append(slices.Clone(o.Existing), configs.Admin{OpenID: openid, Name: o.Name, Roles: o.Roles})
	if o.Check != nil {
		if err := o.Check(admins); err != nil {
			return fmt.Errorf("the admins list with %s would not be accepted:\n%w", openid, err)
		}
	}
	where := "the configuration file"
	if o.ConfigFile != "" {
		where = o.ConfigFile
	}
	fmt.Fprintf(w, "\nTo make %s an admin, set the admins list in %s to:\n\n", o.Name, where)
	fmt.Fprint(w, adminsYAML(admins))
	fmt.Fprintf(w, "\nor, if the configuration comes from the environment, set:\n\n")
	raw, err := json.Marshal(admins)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "WXCAST_ADMINS=%s\n", shellQuote(string(raw)))
	fmt.Fprintf(w, "\nThen restart wxcast (every replica): admins are read only at start, SIGHUP does not reload them.\n")
	return nil
}

// adminsYAML writes the admins key. Names and openids are double-quoted
// with Go's escapes, which YAML reads the same way.
func adminsYAML(admins []configs.Admin) string {
	var b strings.Builder
	b.WriteString("admins:\n")
	for _, a := range admins {
		fmt.Fprintf(&b, "  - openid: %s\n    name: %s\n    roles: [%s]\n",
			strconv.Quote(a.OpenID), strconv.Quote(a.Name), strings.Join(a.Roles, ", "))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
