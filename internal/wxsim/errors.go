package wxsim

// WeChat API error codes the simulator returns. They are exported so tests
// of API consumers can assert on them without repeating magic numbers.
const (
	// CodeOK is the errcode of a successful call.
	CodeOK = 0
	// CodeInvalidCredential means the access token is unknown or was
	// superseded by a newer one ("not latest").
	CodeInvalidCredential = 40001
	// CodeInvalidGrantType means grant_type is missing or not
	// client_credential.
	CodeInvalidGrantType = 40002
	// CodeInvalidAppID means the appid is not registered.
	CodeInvalidAppID = 40013
	// CodeInvalidAccessToken means the access token string is malformed.
	CodeInvalidAccessToken = 40014
	// CodeInvalidAppSecret means the secret does not match the appid.
	CodeInvalidAppSecret = 40125
	// CodeAccessTokenMissing means no access_token query parameter was sent.
	CodeAccessTokenMissing = 41001
	// CodeAppIDMissing means the appid parameter was empty.
	CodeAppIDMissing = 41002
	// CodeAppSecretMissing means the secret parameter was empty.
	CodeAppSecretMissing = 41004
	// CodeAccessTokenExpired means the token outlived its expires_in.
	CodeAccessTokenExpired = 42001
	// CodeRequireGET means the endpoint only accepts GET.
	CodeRequireGET = 43001
	// CodeRequirePOST means the endpoint only accepts POST.
	CodeRequirePOST = 43002
	// CodeDailyQuota means a per-day API limit was reached.
	CodeDailyQuota = 45009
	// CodeClearQuotaLimit means clear_quota was used up for the month.
	CodeClearQuotaLimit = 48006
	// CodeMinuteQuota means a call came too soon after the previous one.
	CodeMinuteQuota = 45011
	// CodeDataFormat means the JSON request body could not be parsed.
	CodeDataFormat = 47001
	// CodeSystemBusy is WeChat's "system error, try again later"; the
	// simulator only answers it when a test injects it with FailNext.
	CodeSystemBusy = -1
	// CodeInvalidOpenID means an openid is malformed (or, on WeChat, not
	// one of this account's followers).
	CodeInvalidOpenID = 40003
	// CodeInvalidMediaID means a media_id is missing or was never
	// uploaded as the kind the message needs (see Server.AddMedia).
	CodeInvalidMediaID = 40007
	// CodeInvalidMessageType means msgtype is missing or not allowed by
	// the endpoint.
	CodeInvalidMessageType = 40008
	// CodeInvalidTemplateID means template_id is not one of the account's
	// templates (see Server.AddTemplate).
	CodeInvalidTemplateID = 40037
	// CodeInvalidMsgID means a mass msg_id names no job of this account, or
	// (mass/delete) a job that cannot be deleted.
	CodeInvalidMsgID = 40059
	// CodeInvalidArticleIdx means mass/delete's article_idx is out of range.
	CodeInvalidArticleIdx = 40060
	// CodeInvalidOpenIDListSize means mass/send's touser has fewer than two
	// (or more than 10 000) openids.
	CodeInvalidOpenIDListSize = 40130
	// CodeRequireSubscribe means the user does not follow the account.
	CodeRequireSubscribe = 43004
	// CodeEmptyNews means a news message has no articles.
	CodeEmptyNews = 44003
	// CodeEmptyContent means a text message's content is empty.
	CodeEmptyContent = 44004
	// CodeResponseOutOfTime means no customer-service window is open for the
	// user (they never interacted, the window expired, or they unfollowed).
	CodeResponseOutOfTime = 45015
	// CodeResponseCountLimit means the open customer-service windows' quota
	// of messages is used up.
	CodeResponseCountLimit = 45047
	// CodeClientMsgIDExist means an accepted mass send of the last 24 h used
	// the same clientmsgid (or, without one, the same content and scope);
	// the answer carries that send's msg_id.
	CodeClientMsgIDExist = 45065
	// CodeClientMsgIDRetryTooFast means the same clientmsgid came back
	// within a minute of its accepted send: wait, then retry to learn its
	// msg_id from 45065.
	CodeClientMsgIDRetryTooFast = 45066
	// CodeClientMsgIDTooLong means clientmsgid is longer than 64 bytes.
	CodeClientMsgIDTooLong = 45067
	// CodeInvalidListSize means a list of openids (tagging, user
	// info in bulk) is empty or longer than the endpoint allows.
	CodeInvalidListSize = 40032
	// CodeTooManyTags means the account already has 100 tags of its own.
	CodeTooManyTags = 45056
	// CodeTagHasTooManyFans means tags/delete was asked to delete a tag
	// more than 100 000 followers hold; untag them first.
	CodeTagHasTooManyFans = 45057
	// CodeSystemTag means a request tried to change or delete one of the
	// reserved tags 0, 1 and 2 (星标组).
	CodeSystemTag = 45058
	// CodeFanHasTooManyTags means tagging would give a follower more than
	// 20 tags.
	CodeFanHasTooManyTags = 45059
	// CodeInvalidTagName means a tag name is empty or already used by
	// another tag of the account.
	CodeInvalidTagName = 45157
	// CodeTagNameTooLong means a tag name is longer than 30 bytes.
	CodeTagNameTooLong = 45158
	// CodeInvalidTagID means a tag id names no tag of the account.
	CodeInvalidTagID = 45159
	// CodeNotFound is the simulator's own code for a path it does not
	// implement; real WeChat has no equivalent, so it is negative.
	CodeNotFound = -404
)

// apiError is WeChat's error body. WeChat sends it with HTTP 200, so the
// simulator does too: clients must look at errcode, not the status.
type apiError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func (e *apiError) errCode() int { return e.Code }

func errInvalidCredential() *apiError {
	return &apiError{CodeInvalidCredential, "invalid credential, access_token is invalid or not latest"}
}

func errInvalidGrantType() *apiError {
	return &apiError{CodeInvalidGrantType, "invalid grant_type"}
}

func errInvalidAppID() *apiError { return &apiError{CodeInvalidAppID, "invalid appid"} }

func errInvalidAccessToken() *apiError {
	return &apiError{CodeInvalidAccessToken, "invalid access_token"}
}

func errInvalidAppSecret() *apiError { return &apiError{CodeInvalidAppSecret, "invalid appsecret"} }

func errAccessTokenMissing() *apiError {
	return &apiError{CodeAccessTokenMissing, "access_token missing"}
}

func errAppIDMissing() *apiError { return &apiError{CodeAppIDMissing, "appid missing"} }

func errAppSecretMissing() *apiError { return &apiError{CodeAppSecretMissing, "appsecret missing"} }

func errAccessTokenExpired() *apiError {
	return &apiError{CodeAccessTokenExpired, "access_token expired"}
}

func errRequireGET() *apiError { return &apiError{CodeRequireGET, "require GET method"} }

func errRequirePOST() *apiError { return &apiError{CodeRequirePOST, "require POST method"} }

func errDailyQuota() *apiError {
	return &apiError{CodeDailyQuota, "reach max api daily quota limit"}
}

func errMinuteQuota() *apiError {
	return &apiError{CodeMinuteQuota, "api minute-quota reach limit, mustslower retry next minute"}
}

func errDataFormat() *apiError { return &apiError{CodeDataFormat, "data format error"} }

func errSystemBusy() *apiError { return &apiError{CodeSystemBusy, "system error"} }

func errInvalidOpenID() *apiError { return &apiError{CodeInvalidOpenID, "invalid openid"} }

func errInvalidMediaID() *apiError { return &apiError{CodeInvalidMediaID, "invalid media_id"} }

func errInvalidMessageType() *apiError {
	return &apiError{CodeInvalidMessageType, "invalid message type"}
}

func errInvalidTemplateID() *apiError {
	return &apiError{CodeInvalidTemplateID, "invalid template_id"}
}

func errInvalidMsgID() *apiError { return &apiError{CodeInvalidMsgID, "invalid msg id"} }

func errInvalidArticleIdx() *apiError {
	return &apiError{CodeInvalidArticleIdx, "invalid article idx"}
}

func errInvalidOpenIDListSize() *apiError {
	return &apiError{CodeInvalidOpenIDListSize, "invalid openid list size, at least two openid"}
}

func errRequireSubscribe() *apiError { return &apiError{CodeRequireSubscribe, "require subscribe"} }

func errEmptyNews() *apiError { return &apiError{CodeEmptyNews, "empty news data"} }

func errEmptyContent() *apiError { return &apiError{CodeEmptyContent, "empty content"} }

func errResponseOutOfTime() *apiError {
	return &apiError{CodeResponseOutOfTime, "response out of time limit or subscription is canceled"}
}

func errResponseCountLimit() *apiError {
	return &apiError{CodeResponseCountLimit, "out of response count limit"}
}

func errClientMsgIDRetryTooFast() *apiError {
	return &apiError{CodeClientMsgIDRetryTooFast, "clientmsgid retry too fast, wait 1 minute"}
}

func errClientMsgIDTooLong() *apiError {
	return &apiError{CodeClientMsgIDTooLong, "clientmsgid size out of limit"}
}

func errInvalidListSize() *apiError {
	return &apiError{CodeInvalidListSize, "invalid openid list size"}
}

func errTooManyTags() *apiError {
	return &apiError{CodeTooManyTags, "too many tag now, no need to add new"}
}

func errTagHasTooManyFans() *apiError {
	return &apiError{CodeTagHasTooManyFans, "can't delete the tag that has too many fans"}
}

func errSystemTag() *apiError { return &apiError{CodeSystemTag, "can't modify sys tag"} }

func errFanHasTooManyTags() *apiError {
	return &apiError{CodeFanHasTooManyTags, "can not tagging one user too much"}
}

func errInvalidTagName() *apiError { return &apiError{CodeInvalidTagName, "invalid tag name"} }

func errTagNameTooLong() *apiError { return &apiError{CodeTagNameTooLong, "tag name too long"} }

func errInvalidTagID() *apiError { return &apiError{CodeInvalidTagID, "invalid tag id"} }

// errForCode is the answer FailNext injects: WeChat's message for the codes
// it knows, a generic one otherwise.
func errForCode(code int) *apiError {
	known := map[int]func() *apiError{
		CodeSystemBusy:  errSystemBusy,
		CodeDailyQuota:  errDailyQuota,
		CodeMinuteQuota: errMinuteQuota,
	}
	if f, ok := known[code]; ok {
		return f()
	}
	return &apiError{code, "wxsim: injected error"}
}
