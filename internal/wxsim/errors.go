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
	// CodeMinuteQuota means a call came too soon after the previous one.
	CodeMinuteQuota = 45011
	// CodeDataFormat means the JSON request body could not be parsed.
	CodeDataFormat = 47001
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
