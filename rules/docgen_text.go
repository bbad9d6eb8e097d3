package rules

// The prose of docs/rules.md. The tables between these parts are
// generated; see Doc.

const docIntro = `# Rules reference

<!-- Generated from package rules by ` + "`go run ./cmd/wxcast rules doc > docs/rules.md`" + `.
     Do not edit: change the doc tags in rules/env.go or the text in
     rules/docgen_text.go and regenerate. TestDocIsCurrent checks it. -->

wxcast records what followers of the Official Account do, from WeChat's
callbacks, into a profile per follower. The rules file (` + "`rules.yaml`" + `) says
what to make of it:

- **tags** label followers when an expression is true, optionally for a
  limited time;
- **segments** name sets of followers, for targeted sends;
- **replies** answer messages and events with passive replies;
- **attributes** declare business data that other tools write onto
  followers (VIP level, spend, city, ...), so rules can use it with types.

Expressions are written in [expr](https://expr-lang.org/docs/language-definition)
and compiled when the file is loaded. Names and types are checked then: a
misspelt field, a string compared with a number, or a rule that is not
true/false is reported with its file:line:column before any follower
meets it, and a file with any problem is rejected as a whole.
` + "`configs/rules.example.yaml`" + ` is a complete, commented example.

`

const docFormat = "## The rules file\n\n" +
	"Five top-level keys, all optional; an empty file is a valid, empty rule set.\n" +
	"Unknown keys are errors, so a typo such as `whn:` cannot silently disable a rule.\n\n" +
	"```yaml\n" + `attributes:                  # business attributes: name: type
  vip_level: int               # int, float, string, time or bool
  last_order_at: time
tags:                          # run in file order on every callback
  - name: clicked_promo        # [a-z][a-z0-9_], at most 30 characters, unique
    description: clicked the promo menu
    on: [click]                # optional: event types that run the rule
    when: event.key == "MENU_PROMO"   # adds the tag when true
    unless: user.messages_7d > 50     # optional: removes the tag when true
    ttl: 7d                    # optional: the tag expires (168h, 90m or 7d)
    wechat_tag: 促销点击         # optional: mirror the tag onto this WeChat tag
segments:
  - name: vip_active           # [a-z][a-z0-9_], at most 64 characters, unique
    title: 活跃会员              # optional: a display name admins may type in commands
    description: 本周活跃的会员
    rule: '"vip" in user.tags && user.days_since_active <= 7'   # user only
replies:                       # the first rule whose when is true answers
  - name: price                # optional; defaults to replies[<index>]
    when: event.type == "text" && event.content contains "价格"
    text: 您好，价格表请见菜单「优惠」。
  - when: event.type == "click" && event.key == "MENU_QR"
    image: MEDIA_ID            # or voice: MEDIA_ID
  - when: event.content == "教程"
    video: {media_id: MEDIA_ID, title: 使用教程, description: 三分钟上手}
  - when: event.type == "subscribe"
    news: {title: 欢迎关注, description: 新人礼包, url: "https://example.com/new", pic_url: "https://example.com/p.jpg"}
default:                       # optional: answers messages nothing else matched
  text: 收到，我们会尽快回复您。
` + "```\n\n" +
	"Each reply has exactly one of `text`, `image` (a media id), `voice` (a media id),\n" +
	"`video` (`media_id` required, `title` and `description` optional) or `news`\n" +
	"(one article, as WeChat allows in passive replies: `title` and `url` required,\n" +
	"`description` and `pic_url` optional; URLs must be absolute http(s)).\n" +
	"`default` holds one reply and no `when`.\n\n" +
	"A segment's `title` is a display name shown next to its name in the admins'\n" +
	"chat and accepted wherever a command takes a segment (`新建 活跃会员 文本 …`):\n" +
	"one word of at most 20 characters, unique among the titles and names of all\n" +
	"segments regardless of case. Admins may type a name in any case\n" +
	"(`VIP_Active`), and a typo gets the closest names as a suggestion.\n\n" +
	"`on` takes one event type or a list; without it a tag rule runs on every callback.\n" +
	"`ttl` takes a Go duration (`72h`, `90m`) or whole days (`7d`).\n" +
	"`wechat_tag` is at most 30 bytes (a Chinese character takes 3). A tag rule with\n" +
	"`wechat_tag` mirrors its tag onto that WeChat tag: wxcast creates the tag on\n" +
	"WeChat if missing and adds and removes followers as the rule does (batched, up to\n" +
	"50 followers a call, a few seconds behind). The WeChat tag then belongs to wxcast:\n" +
	"`wxcast users sync` also removes it from followers who lack the wxcast tag (for\n" +
	"example after a `ttl` ran out). An account may hold 100 WeChat tags: a file that\n" +
	"would take it past that, counting the tags the account has as of the last sync,\n" +
	"is refused. A follower holds at most 20; one who already has 20 is skipped and\n" +
	"counted in `wxcast_wechat_tag_skipped_total`.\n" +
	"Expressions may be plain, quoted or `|` blocks; quote an expression that\n" +
	"starts with `\"` or contains `: ` or ` #`, as YAML requires (unquoted, ` #` starts\n" +
	"a YAML comment, so `all(user.tags, # != \"x\")` must be quoted). Passive\n" +
	"replies carry news as the article itself: WeChat does not take a media id for\n" +
	"news in a passive reply (mass sends do).\n\n"

const docEnvIntro = "Every expression sees two variables, `user` and `event` (segment rules see\n" +
	"`user` only). Times support comparison, subtraction (giving a duration) and\n" +
	"methods such as `.Hour()`; for calendar days prefer the functions below, which\n" +
	"use the account's time zone.\n\n"

const docEventIntro = "`event.type` is WeChat's MsgType for messages and the lower-cased event name\n" +
	"for events, except the periodic LOCATION event, which is `location_report` so\n" +
	"that it is not confused with a location message. These are also the values\n" +
	"`on:` accepts; anything else is an error. The last two are wxcast's own: a tap\n" +
	"on a tracked link (`link_click`) and a conversion (`attributes`). They go through\n" +
	"the same recording as callbacks (counted in `user.counts`, kept in the history\n" +
	"that back-tests replay) and run the tag rules, but never get a reply: there is\n" +
	"no callback to answer. For example, tag who clicked broadcast 7 and who bought:\n\n" +
	"```yaml\ntags:\n  - name: promo_clicker\n    when: event.type == \"link_click\" && event.broadcast == 7\n" +
	"  - name: buyer\n    when: event.type == \"attributes\" && \"last_order_at\" in event.changed\n```\n\n"

const docHelpersIntro = "Besides expr's builtins (`len`, `any`, `all`, `filter`, `upper`, `date`,\n" +
	"`duration`, ...), expressions can call these functions. \"Today\" and calendar\n" +
	"days are in the account's time zone (`timezone` in wxcast.yaml), in which\n" +
	"expr's `date()` also parses. expr's own `now()` is replaced by the one below.\n\n"

const docAttributes = "## Business attributes\n\n" +
	"Other tools (an order system, a CRM import) write business data onto followers.\n" +
	"Declare each attribute with its type under `attributes`; rules read it as\n" +
	"`user.attrs.<name>` (or `user.attrs[\"<name>\"]`).\n\n" +
	"| Type | Example |\n|---|---|\n" +
	"| `int` | `user.attrs.vip_level >= 3` |\n" +
	"| `float` | `user.attrs.total_spend > 199.5` (an integer stored here reads as a float) |\n" +
	"| `string` | `user.attrs.city == \"上海\"` |\n" +
	"| `time` | `days_since(user.attrs.last_order_at) <= 30` |\n" +
	"| `bool` | `user.attrs.wants_news` |\n\n" +
	"- The declared type is checked when the file is loaded: `user.attrs.city > 3` is an\n" +
	"  error, and so is an undeclared name, with a suggestion for a near miss.\n" +
	"- The name must be written out: `user.attrs[some_expression]` is rejected, and\n" +
	"  so is any other use of `user.attrs` than `user.attrs.<name>` and\n" +
	"  `\"<name>\" in user.attrs` (`get(user.attrs, ...)`, `let a = user.attrs`), which\n" +
	"  would read an attribute without its declared type.\n" +
	"- A follower without the attribute makes the rule fail at run time, which\n" +
	"  counts as false. To say so explicitly, test for it first:\n" +
	"  `\"vip_level\" in user.attrs && user.attrs.vip_level >= 3`.\n\n" +
	"### Writing attributes\n\n" +
	"`wxcast users import FILE` (a CSV with an `openid` column and one column per\n" +
	"attribute, or JSON lines such as `{\"openid\": \"o...\", \"vip_level\": 3}`) and\n" +
	"`PUT /api/followers/{openid}/attributes` (a JSON object, with the bearer token\n" +
	"of `api.token`) check every value against the declared type and store one\n" +
	"canonical text, so importing the same data twice changes nothing.\n\n" +
	"| Type | CSV cell | JSON value | Stored as |\n|---|---|---|---|\n" +
	"| `int` | `3`, `+3` | `3` (not `3.5`, not `\"3\"`) | `3` |\n" +
	"| `float` | `199.50`, `1e3` | a number | shortest form: `199.5`, `1000` |\n" +
	"| `bool` | `true`, `false`, `1`, `0`, any case | `true`, `false` | `true`, `false` |\n" +
	"| `time` | RFC 3339 or unix seconds | an RFC 3339 string or unix seconds | RFC 3339 in UTC, to the second |\n" +
	"| `string` | as is, at most 1024 bytes of UTF-8 | a string | as is |\n\n" +
	"- An empty CSV cell leaves the attribute unchanged (so CSV cannot delete); in\n" +
	"  JSON, `null` deletes it, and so does `\"\"`.\n" +
	"- A CSV column that names no declared attribute refuses the whole file. A bad\n" +
	"  value or openid refuses its row: the import lists it as `FILE:LINE: reason`,\n" +
	"  applies the other rows and exits 1; the API answers 422 naming the attribute.\n" +
	"- A string that is not valid UTF-8 is refused, in a CSV cell and in JSON\n" +
	"  alike: a byte that is not UTF-8, or in JSON an escaped lone surrogate\n" +
	"  (`\"\\ud800\"`), which a JSON decoder would otherwise silently replace with\n" +
	"  U+FFFD.\n" +
	"- A follower listed twice in one file gets the values of the later row.\n\n"

const docSemantics = "## How rules run\n\n" +
	"- Tag rules run in file order on every callback whose type is listed in their\n" +
	"  `on` (every callback without `on`). A later rule sees, in `user.tags`, the tags\n" +
	"  that earlier rules set or removed for the same callback.\n" +
	"- `unless` is checked first and wins: when it is true the tag is removed and\n" +
	"  `when` is not evaluated. Otherwise the tag is added when `when` is true.\n" +
	"- With a `ttl`, the tag lapses that long after it was set. A follower who has\n" +
	"  the tag and matches `when` again keeps it: its expiry moves to now + ttl, once\n" +
	"  a tenth of the ttl has passed since it was last set (so a chatty follower does\n" +
	"  not rewrite it on every message).\n" +
	"- Every tag change is recorded in the follower's history with the rule and the\n" +
	"  time (`tag_added`, `tag_removed`; an expiry shows as removed by `ttl`). A\n" +
	"  callback WeChat delivers again (it retries after 5 s) never runs the rules\n" +
	"  twice.\n" +
	"- A rule that fails at run time (an unset attribute, `bucket(s, 0)`) counts as\n" +
	"  false: a failing `when` adds nothing and a failing `unless` removes nothing.\n" +
	"- Segments select subscribed followers only: whatever the rule says, a follower\n" +
	"  who unfollowed is never in a segment.\n" +
	"- Replies: the first reply rule whose `when` is true answers. `default` answers\n" +
	"  only messages a follower sent (text, image, voice, video, shortvideo,\n" +
	"  location, link), never events such as subscribe or click.\n" +
	"- An expression may have at most 2000 syntax nodes (by default), and the file\n" +
	"  is bounded in size, nesting and cost: see Limits.\n\n"

const docLimitsFormat = "## Limits\n\n" +
	"No rules file, however written, may crash the server or slow every callback\n" +
	"down: a file over one of these limits is refused like any invalid file (at\n" +
	"start the server stops; on reload the live rules stay; `rules check` exits 1),\n" +
	"with the place and the configuration key. The defaults are far above real\n" +
	"files; the keys are in docs/configuration.md.\n\n" +
	"| Key | Default | Bounds |\n|---|---|---|\n" +
	"| `rules.max_file_size` | %d | the bytes of the file, checked before it is read whole |\n" +
	"| `rules.max_rules` | %d | tags, segments and replies together |\n" +
	"| `rules.max_expr_len` | %d | the bytes of one expression |\n" +
	"| `rules.max_depth` | %d | the nesting of one expression: each open bracket `(` `[` `{`, each unary `!` `-` `+` `not` in a row, and each `?` or `??` up to its closing bracket count one level |\n" +
	"| `rules.max_rule_cost` | %d | the static cost of one rule (`when` and `unless` together) |\n" +
	"| `rules.max_file_cost` | %d | the static cost of all rules together |\n\n" +
	"The nesting is checked on the text, before the expression is parsed: a deep\n" +
	"enough nesting would overflow the parser's stack.\n\n" +
	"The static cost is an upper bound on the work of one run, worked out from the\n" +
	"compiled expression, so it is the same on every server: one per syntax node,\n" +
	"and for a loop (`all`, `any`, `none`, `one`, `filter`, `map`, `count`, `sum`,\n" +
	"`find`…, `in` a list, a range `a..b`) the most elements it can visit times the\n" +
	"cost of its predicate plus one. Nested loops multiply. The most elements are:\n" +
	"`b - a + 1` for a range of two numbers, the length of a literal list,\n" +
	"`rules.max_rules` for `user.tags` (the tags of the tag rules), 20 for\n" +
	"`user.wechat_tags` (WeChat's limit per follower), the declared attributes for\n" +
	"`user.attrs`, 64 for `user.counts` (the kinds a profile counts apart), and 10000 for anything else\n" +
	"(a range of computed bounds, `split(...)`): no run may build or walk more than\n" +
	"10000 elements (expr's memory budget, which still stops a run that tries: the\n" +
	"rule then counts as false). For example `'vip' in user.tags` costs 1005,\n" +
	"`any(user.tags, {# startsWith 'v'})` 4004, and `any(1..4999, {# < 0})` 24999:\n" +
	"300 such rules (which made every callback take about 80 ms) cost 7.5 million\n" +
	"and are refused. `wxcast rules check` prints each rule's cost, and a time per\n" +
	"run measured on an empty follower for information only.\n\n"

const docErrorsIntro = "All problems of a file are reported at once, one per line, sorted by\n" +
	"position, as `<file>:<line>:<column>: <path>: <message>`. Line and column point\n" +
	"at the offending token inside the YAML file (for a `>` block, at the start of the\n" +
	"expression). The path names the place: `tags.<name>.when`,\n" +
	"`segments.<name>.rule`, `replies.<name>.when` or `replies[<index>].when`,\n" +
	"`attributes.<name>`. Near misses come with a suggestion. The file\n\n"

const docBrokenFile = `attributes:
  vip_level: int
tags:
  - name: vip
    on: [clik]
    when: user.attrs.vip_lvl >= 3
    ttl: 7days
segments:
  - name: active
    rule: user.subscribd && event.type == "text"
`

const docTools = "## Working with a rules file\n\n" +
	"- `wxcast rules check [FILE]` compiles the file (default: `rules_file` of the\n" +
	"  config) and lists every problem; it exits 1 if there is one. A valid file's\n" +
	"  rules are listed with their static cost (see Limits).\n" +
	"- `wxcast rules test FILE --user user.json [--event event.json]` shows, for one\n" +
	"  follower and one callback (JSON objects with the field names above), which\n" +
	"  tags change, which reply fires and which segments match, and why: each\n" +
	"  `&&`/`||` clause with its value.\n" +
	"- `wxcast rules backtest FILE --days 7` replays the stored events of the last\n" +
	"  days through the file's tag rules and reports, per rule, how many followers it\n" +
	"  would have tagged and untagged. It changes nothing. The history is bounded\n" +
	"  (`profile.history_max`, `profile.history_days`), so for very active followers\n" +
	"  the counters are estimates.\n" +
	"- `wxcast segment count NAME` and `wxcast segment sample NAME [-n 20]` run a\n" +
	"  segment over the followers in the configured Redis.\n" +
	"- The server reloads the file when it changes (and on SIGHUP). A valid version\n" +
	"  replaces the live one between two callbacks; an invalid one is refused and\n" +
	"  logged with its problems, and the live rules stay. Saves in two steps (empty,\n" +
	"  then written) are waited out. Each version is named by the first 12 hex\n" +
	"  digits of the SHA-256 of the file, shown by `rules check`, in the logs and in\n" +
	"  `/readyz`.\n" +
	"- A refused version is told where its author looks: the owners get a chat\n" +
	"  alert; `/readyz` stays 200 (the live rules still serve) and names it as\n" +
	"  `rules_rejected` until a good version loads; `wxcast rules check` on the\n" +
	"  live file, with the server's `redis.url`, adds whether the server runs this\n" +
	"  version or refused it, and when; the demo's page shows its problems in a\n" +
	"  banner.\n\n"

const docRecipes = "## Recipes\n\n" +
	"**Sample 10% of followers for an A/B test.** `bucket` hashes with 64-bit\n" +
	"FNV-1a, so the split is stable and can be reproduced outside wxcast; salt the\n" +
	"input with the campaign name to get an independent split per test.\n\n" +
	"```yaml\ntags:\n  - name: sample_spring\n" +
	"    when: bucket(\"spring2026:\" + user.openid, 100) < 10\n```\n\n" +
	"**Followers who clicked the promo menu in the last 7 days.** The tag is set on\n" +
	"the click and expires after a week, so the segment always holds the last\n" +
	"week's clickers.\n\n" +
	"```yaml\ntags:\n  - name: clicked_promo\n    on: click\n" +
	"    when: event.key == \"MENU_PROMO\"\n    ttl: 7d\nsegments:\n" +
	"  - name: promo_clickers\n    rule: '\"clicked_promo\" in user.tags'\n```\n\n" +
	"**Win back dormant followers.** A dormant follower sends no callbacks, so no\n" +
	"tag rule fires for them while they are away: select them with a segment, and\n" +
	"tag those who come back so a welcome-back reply or offer can follow.\n\n" +
	"```yaml\ntags:\n  - name: returning\n" +
	"    when: user.active_days_30d <= 1 && user.first_seen < now() - days(30)\n" +
	"    unless: user.active_days_7d >= 3\n    ttl: 14d\nsegments:\n" +
	"  - name: dormant_30d\n" +
	"    rule: user.days_since_active >= 30 && user.days_since_active < 180\n```\n\n" +
	"**RFM: recency, frequency and monetary scores from order data.** The order\n" +
	"system knows when each follower last ordered, how often and for how much.\n" +
	"Import that as attributes, nightly with `wxcast users import orders.csv`\n" +
	"(columns `openid,last_order_at,orders_90d,spend_90d`; times as RFC 3339 or\n" +
	"unix seconds), or as orders happen through `PUT\n" +
	"/api/followers/{openid}/attributes`. Score each dimension 1 to 5 in the\n" +
	"segment rule: segments look at every follower when counted, whereas a tag\n" +
	"rule runs only when the follower sends a callback, so tags would lag behind\n" +
	"an import. A follower without order data fails the rule and is left out.\n\n" +
	"```yaml\n" + docRFMRules + "```\n\n" +
	"Other segments reuse the `let` lines with another last line, e.g.\n" +
	"`r <= 2 && f + m >= 7` for good customers who stopped ordering.\n"

// docRFMRules is the RFM recipe; TestRFMRecipe compiles and runs it.
const docRFMRules = `attributes:
  last_order_at: time   # recency: the newest order
  orders_90d: int       # frequency: orders in the last 90 days
  spend_90d: float      # monetary: yuan spent in the last 90 days
segments:
  - name: rfm_champions
    rule: |
      let d = days_since(user.attrs.last_order_at);
      let n = user.attrs.orders_90d;
      let y = user.attrs.spend_90d;
      let r = d <= 7 ? 5 : d <= 30 ? 4 : d <= 60 ? 3 : d <= 90 ? 2 : 1;
      let f = n >= 10 ? 5 : n >= 5 ? 4 : n >= 3 ? 3 : n >= 2 ? 2 : 1;
      let m = y >= 2000 ? 5 : y >= 800 ? 4 : y >= 300 ? 3 : y >= 100 ? 2 : 1;
      r >= 4 && f >= 4 && m >= 4
`
