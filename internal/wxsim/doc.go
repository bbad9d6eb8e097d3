// Package wxsim is wxcast's own WeChat Official Account simulator.
//
// It has two halves that mirror the two directions of traffic between
// WeChat and a developer's server:
//
//   - Server is a fake of api.weixin.qq.com: tests point the SDK's base URL
//     at an httptest.Server wrapping it. It is multi-tenant (one simulator,
//     many AppIDs), records every call per app, and has hooks to expire or
//     revoke tokens so error paths can be exercised deterministically.
//     Besides tokens it serves the message endpoints (mass/send, mass/sendall
//     by tag or to all, preview, speed/get and speed/set, custom,
//     template), material/get_material for news and image
//     material, the draft box (draft/add, get, update, delete, batchget,
//     count; see DraftMode for how mass sends treat draft ids),
//     media/uploadnews, 45103 from the retired material/add_news and
//     update_news, and user management: user/get, user/info,
//     user/info/batchget, user/tag/get and tags/create, get, update,
//     delete, members/batchtagging, members/batchuntagging and getidlist,
//     over a roster set up with AddFollowers or PopulateFollowers. Paths
//     with a daily quota answer 45009 past it (defaults in
//     defaultDailyQuotas, changed with WithDailyQuotas or SetDailyQuota);
//     openapi/quota/get reads a quota and clear_quota resets them.
//   - Client plays WeChat's push side: it builds callback requests (plain,
//     compatible or safe mode) exactly as WeChat does, sends them to the
//     developer's callback URL and decrypts the passive reply. It is also
//     used by the load generator, so building a request avoids reflection.
//
// The behaviour follows WeChat's public documentation and reports; where
// they leave something unconfirmed the code marks it UNCONFIRMED.
//
// It imports no other wxcast package, and only cmd and internal may
// import it: production code never depends on the simulator.
package wxsim
