package admin

// The replies about an article broadcast's statistics in status, kept
// apart from the main catalogues (catalogZH and catalogEN take them in).
const (
	kStatsHead     key = "stats.head"
	kStatsDay      key = "stats.day"
	kStatsDelayed  key = "stats.delayed"
	kStatsNone     key = "stats.none"
	kStatsExpected key = "stats.expected"
	kStatsPending  key = "stats.pending"
)

func statsZH() catalog {
	return catalog{
		kStatsHead:     "图文数据（微信统计，截至各日累计，%s 更新）：",
		kStatsDay:      "%s 阅读 %s · 分享 %s · 点赞 %s · 在看 %s · 评论 %s",
		kStatsDelayed:  "微信提示数据尚未最终确定，稍后会更新",
		kStatsNone:     "微信未报告这次群发的统计数据",
		kStatsExpected: "图文数据：微信次日起提供，预计 %s 后可查看",
		kStatsPending:  "图文数据：尚未从微信取到，稍后再查看",
	}
}

func statsEN() catalog {
	return catalog{
		kStatsHead:     "Article figures (WeChat's totals to each day, updated %s):",
		kStatsDay:      "%s reads %s · shares %s · likes %s · 在看 %s · comments %s",
		kStatsDelayed:  "WeChat says the figures are not final yet; they will be updated",
		kStatsNone:     "WeChat reported no statistics for this broadcast",
		kStatsExpected: "Article figures: WeChat gives them from the next day, expected after %s",
		kStatsPending:  "Article figures: not yet read from WeChat; look again later",
	}
}
