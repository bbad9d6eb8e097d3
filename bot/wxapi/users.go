package wxapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/user"
	"github.com/silenceper/wechat/v2/util"
)

// Platform limits of the user and tag APIs.
const (
	// MaxUserInfoBatch is how many followers one user/info/batchget reads.
	MaxUserInfoBatch = 100
	// MaxTagBatch is how many openids one batchtagging call takes.
	MaxTagBatch = 50
	// MaxFollowerTags is how many tags one follower may hold.
	MaxFollowerTags = 20
)

// FollowerPage is one page of the follower list.
type FollowerPage struct {
	Total   int // followers of the account
	OpenIDs []string
	// Next fetches the following page; "" or an empty page means the end.
	Next string
}

// UserInfo is what user/info says of one follower.
type UserInfo struct {
	OpenID         string
	Subscribed     bool
	SubscribeTime  time.Time
	SubscribeScene string
	QRScene        int
	QRSceneStr     string
	Language       string
	Remark         string
	TagIDs         []int
}

// TagInfo is one of the account's WeChat tags.
type TagInfo struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Followers reads one page of the follower list, starting after next ("" for
// the first page).
func (c *Client) Followers(ctx context.Context, next string) (FollowerPage, error) {
	var l *user.OpenidList
	err := c.sdkCall(ctx, "user/get", func() (err error) {
		l, err = c.user.ListUserOpenIDs(next)
		return err
	})
	if err != nil {
		return FollowerPage{}, err
	}
	return FollowerPage{Total: l.Total, OpenIDs: l.Data.OpenIDs, Next: l.NextOpenID}, nil
}

// UserInfos reads up to MaxUserInfoBatch followers with user/info/batchget.
func (c *Client) UserInfos(ctx context.Context, openids []string) ([]UserInfo, error) {
	if len(openids) > MaxUserInfoBatch {
		return nil, fmt.Errorf("wxapi: user/info/batchget takes at most %d openids, got %d", MaxUserInfoBatch, len(openids))
	}
	p := user.BatchGetUserInfoParams{UserList: make([]user.BatchGetUserListItem, len(openids))}
	for i, id := range openids {
		p.UserList[i] = user.BatchGetUserListItem{OpenID: id, Lang: "zh_CN"}
	}
	var l *user.InfoList
	err := c.sdkCall(ctx, "user/info/batchget", func() (err error) {
		l, err = c.user.BatchGetUserInfo(p)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]UserInfo, len(l.UserInfoList))
	for i, u := range l.UserInfoList {
		ids := make([]int, len(u.TagIDList))
		for j, id := range u.TagIDList {
			ids[j] = int(id)
		}
		out[i] = UserInfo{OpenID: u.OpenID, Subscribed: u.Subscribe == 1, SubscribeScene: u.SubscribeScene,
			QRScene: u.QrScene, QRSceneStr: u.QrSceneStr, Language: u.Language, Remark: u.Remark, TagIDs: ids}
		if u.SubscribeTime > 0 {
			out[i].SubscribeTime = time.Unix(int64(u.SubscribeTime), 0)
		}
	}
	return out, nil
}

// AccountTags lists the account's WeChat tags. The SDK's GetTag drops the
// errcode (an error reads as "no tags"), so this is a direct call.
func (c *Client) AccountTags(ctx context.Context) ([]TagInfo, error) {
	var out struct {
		Tags []TagInfo `json:"tags"`
	}
	if err := c.get(ctx, "/cgi-bin/tags/get", nil, &out); err != nil {
		return nil, err
	}
	return out.Tags, nil
}

// CreateTag creates a WeChat tag. The SDK's CreateTag turns the errcode
// into text, and the tag mirror needs 45056 and 45157 as codes.
func (c *Client) CreateTag(ctx context.Context, name string) (TagInfo, error) {
	type tag struct {
		ID   int    `json:"id,omitempty"`
		Name string `json:"name"`
	}
	var out struct {
		Tag tag `json:"tag"`
	}
	if err := c.post(ctx, "/cgi-bin/tags/create", struct {
		Tag tag `json:"tag"`
	}{tag{Name: name}}, &out); err != nil {
		return TagInfo{}, err
	}
	return TagInfo{ID: out.Tag.ID, Name: out.Tag.Name}, nil
}

// TagMembers adds (add) or removes up to MaxTagBatch followers to or from
// WeChat tag tagID.
func (c *Client) TagMembers(ctx context.Context, tagID int, openids []string, add bool) error {
	if len(openids) == 0 || len(openids) > MaxTagBatch {
		return fmt.Errorf("wxapi: tag members: %d openids, want 1 to %d", len(openids), MaxTagBatch)
	}
	api := "tags/members/batchuntagging"
	if add {
		api = "tags/members/batchtagging"
	}
	return c.sdkCall(ctx, api, func() error {
		if add {
			return c.user.BatchTag(openids, int32(tagID))
		}
		return c.user.BatchUntag(openids, int32(tagID))
	})
}

// sdkCall runs an SDK call through Call. WeChat's answers come back as
// the SDK's *util.CommonError and are kept; any other error quotes the
// request URL, token included, so the token is cut out before the error
// can reach a log: in place for a transport error (*url.Error, which
// keeps its Timeout and so stays retryable), in the text otherwise (an
// HTTP status).
//
// A 45009 is recorded as the path's quota wall (see WithQuotaWalls) and
// returned as an *APIError with Until set.
func (c *Client) sdkCall(ctx context.Context, api string, call func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path := "/cgi-bin/" + api
	if err := c.wallFor(ctx, path); err != nil {
		return err
	}
	err := c.Call(ctx, call)
	var ce *util.CommonError
	if errors.As(err, &ce) && ce.ErrCode == CodeDailyQuota {
		err = &APIError{Code: CodeDailyQuota, Msg: ce.ErrMsg}
		c.noteWall(ctx, path, err)
		return err
	}
	if err == nil {
		c.spent(ctx, path)
		return nil
	}
	if errors.As(err, &ce) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactToken(ue.URL)
		return fmt.Errorf("wxapi: %s: %w", api, err)
	}
	return fmt.Errorf("wxapi: %s: %s", api, redactToken(err.Error()))
}

// redactToken replaces every access token quoted in s.
func redactToken(s string) string {
	const key = "access_token="
	var b strings.Builder
	for {
		i := strings.Index(s, key)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+len(key)] + "…")
		s = s[i+len(key):]
		if j := strings.IndexAny(s, "&\" \t\n"); j >= 0 {
			s = s[j:]
		} else {
			s = ""
		}
	}
}
