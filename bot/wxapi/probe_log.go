package wxapi

import "go.uber.org/zap"

// Log writes what the check learnt as one entry: a Warn when the account
// lacks something wxcast uses or WeChat could not be asked, an Info when
// everything checked is there. apiBase names where WeChat was asked.
func (p Probe) Log(log *zap.Logger, apiBase string) {
	if p.Err != nil {
		p.logRefusal(log, apiBase)
		return
	}
	fields := []zap.Field{
		zap.Strings("confirmed", names(p.Present)),
		zap.Strings("missing", meanings(p.Missing)),
		zap.Strings("unknown_until_first_use", p.unknown()),
	}
	if len(p.Missing) > 0 {
		log.Warn("WeChat account check: this account lacks APIs wxcast uses (see docs/accounts.md)", fields...)
		return
	}
	log.Info("WeChat account check: every API checked is there", fields...)
}

// logRefusal explains a token WeChat would not give.
func (p Probe) logRefusal(log *zap.Logger, apiBase string) {
	base := []zap.Field{zap.String("api_base_url", apiBase), zap.Error(p.Err),
		zap.Strings("unknown_until_first_use", p.unknown())}
	switch p.Code {
	case CodeIPNotAllowed:
		ip := p.IP
		if ip == "" {
			ip = "this server's public IP"
		}
		log.Warn("WeChat account check: this server's IP is not in the account's IP allowlist (IP白名单, errcode 40164); "+
			"add "+ip+" under 设置与开发 → 基本配置 → IP白名单; the token keeper tries again every 30 s", append(base, zap.String("ip", p.IP))...)
	case CodeInvalidAppID:
		log.Warn("WeChat account check: WeChat does not know wechat.app_id (errcode 40013)", base...)
	case CodeInvalidAppSecret:
		log.Warn("WeChat account check: wechat.app_secret is wrong for wechat.app_id (errcode 40125)", base...)
	case 0:
		log.Warn("WeChat account check: WeChat could not be asked; wxcast runs on and will try again on first use", base...)
	default:
		log.Warn("WeChat account check: WeChat refused an access token", append(base, zap.Int("errcode", p.Code))...)
	}
}

// unknown lists what the check could not tell, with why, and what no
// check tells.
func (p Probe) unknown() []string {
	out := make([]string, 0, len(p.Unknown)+2)
	for _, c := range p.Unknown {
		if why := p.Reasons[c.Name]; why != "" {
			out = append(out, c.Name+" ("+why+")")
			continue
		}
		out = append(out, c.Name)
	}
	return append(out, Unprobed()...)
}

func names(cs []Capability) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// meanings names each missing capability with what its absence means.
func meanings(cs []Capability) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name + ": " + c.Without
	}
	return out
}
