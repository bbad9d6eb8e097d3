package configs

// LoadWithoutWeChat is Load for the commands that work on the store, the
// rules file, the word lists and the time zone only (segment, rules,
// words, users show and import, audit): they neither take WeChat's
// callbacks nor call its API, so wechat.app_id and wechat.token may be
// left empty, and a rule author or an operator can run them with no more
// than redis.url. Every key that is set is still checked, and a problem
// names its key and where its value came from, as with Load.
//
// serve and users sync use Load: they need the WeChat keys.
func LoadWithoutWeChat(path string, environ []string) (*Config, error) {
	return load(path, environ, false)
}

// unlessEmpty applies check to v, except that an empty v passes when
// optional is set.
func unlessEmpty(optional bool, v string, check func(string) error) error {
	if optional && v == "" {
		return nil
	}
	return check(v)
}
