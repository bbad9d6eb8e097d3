package wxsim

// lacks reports whether an account of kind k lacks the API at path, so
// that a call answers 48001. docs/accounts.md gives every claim its
// source and status:
//
//	kind                    lacks                                  status
//	verified service        nothing                                DOC
//	unverified service      群发, user management, customer        DOC (interface-permission table)
//	                        service, template messages
//	verified subscription   mass/send (openid list), template      DOC (table; legacy mass doc:
//	                        messages                               "订阅号不可用，服务号认证后可用")
//	unverified subscription as unverified service                  DOC
//	test account            mass/send                              STAFF (community answer: use
//	                                                               sendall on a test account)
//
// The test account's refusal of news in sendall and previews is not a
// missing API but a missing message type: testRefusesNews (COMM).
//
// Not modelled: the draft box (no source says which kinds may read it;
// every kind may here), freepublish (not simulated), and the test
// account's quotas of a tenth of a real account's (DOC API_Call_Limits).
func (k AccountKind) lacks(path string) bool {
	switch k {
	case KindService, KindSubscription:
		return massPath(path) || userPath(path) ||
			path == "/cgi-bin/message/custom/send" || path == "/cgi-bin/message/template/send"
	case KindVerifiedSubscription:
		return path == "/cgi-bin/message/mass/send" || path == "/cgi-bin/message/template/send"
	case KindTest:
		return path == "/cgi-bin/message/mass/send"
	}
	return false
}

// massPath reports whether path belongs to the 群发 interface: sending,
// previews, the job calls and uploadnews (上传图文消息素材 is part of it
// in WeChat's table).
func massPath(path string) bool {
	switch path {
	case "/cgi-bin/message/mass/send", "/cgi-bin/message/mass/sendall", "/cgi-bin/message/mass/preview",
		"/cgi-bin/message/mass/delete", "/cgi-bin/message/mass/get", "/cgi-bin/media/uploadnews",
		// UNCONFIRMED: the delivery-speed calls are not in the table; they
		// follow the rest of the 群发 interface here.
		"/cgi-bin/message/mass/speed/get", "/cgi-bin/message/mass/speed/set":
		return true
	}
	return false
}

// userPath reports whether path belongs to user management: the follower
// list and details, and tags.
func userPath(path string) bool {
	switch path {
	case "/cgi-bin/user/get", "/cgi-bin/user/info", "/cgi-bin/user/info/batchget",
		"/cgi-bin/tags/create", "/cgi-bin/tags/get", "/cgi-bin/tags/update", "/cgi-bin/tags/delete",
		"/cgi-bin/user/tag/get", "/cgi-bin/tags/members/batchtagging", "/cgi-bin/tags/members/batchuntagging",
		"/cgi-bin/tags/getidlist":
		return true
	}
	return false
}
