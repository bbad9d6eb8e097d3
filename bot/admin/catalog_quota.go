package admin

// The replies about a plan's WeChat calls and today's quotas, kept apart
// from the main catalogues (catalogZH and catalogEN take them in).
const (
	kPlanMass          key = "plan.mass"
	kPlanMassAtMost    key = "plan.mass_at_most"
	kPlanUpload        key = "plan.upload"
	kPlanTagging       key = "plan.tagging"
	kPlanFinish        key = "plan.finish"
	kPlanFinishUnknown key = "plan.finish_unknown"
	kPlanShort         key = "plan.short"
	kPlanDone          key = "plan.done"
	kPlanTagFrom       key = "plan.tag_from"
	kQuotaLeft         key = "quota.left"
	kQuotaUnknown      key = "quota.unknown"
	kQuotaMassToday    key = "quota.mass_today"
	kQuotaMassUnknown  key = "quota.mass_unknown"

	// kChannel + Plan.Channel ("" is "openid"); kNoTag + NoTag.Reason.
	kChannel key = "channel."
	kNoTag   key = "no_tag."
)

// with adds more to c.
func (c catalog) with(more catalog) catalog {
	for k, v := range more {
		c[k] = v
	}
	return c
}

func quotaZH() catalog {
	return catalog{
		kPlanMass:          "群发接口：需 %s 次，今日剩余 %s",
		kPlanMassAtMost:    "群发接口：最多 %s 次（含已有 20 个标签者的 openid 批次），今日剩余 %s",
		kPlanUpload:        "图文上传（uploadnews）：需 %s 次，今日剩余 %s",
		kPlanTagging:       "标签接口：打标签 %s 次（剩余 %s），移除标签 %s 次（剩余 %s），建标签 %s 次（剩余 %s），删标签 %s 次（剩余 %s）",
		kPlanFinish:        "预计送达完成：%s（微信群发速度每分钟 %s 人）",
		kPlanFinishUnknown: "微信群发速度未知，无法估计完成时间",
		kPlanShort:         "今日剩余群发调用 %s 次，此计划需要 %s 次；今日可发约 %s 人，其余需明日继续",
		kPlanDone:          "，预计 %s 发完",
		kPlanTagFrom:       "今日剩余时间不够打完标签，标签群发将于 %s 开始",
		kQuotaLeft:         "%s/%s 次",
		kQuotaUnknown:      "未知",
		kQuotaMassToday:    "今日群发接口剩余 %s/%s 次",
		kQuotaMassUnknown:  "今日群发接口剩余次数未知（未能读取微信额度）",

		kChannel + "openid": "发送方式：按 openid 分批群发",
		kChannel + "tag":    "发送方式：按标签群发（每个版本一个临时标签）",

		kNoTag + "series":     "未按标签群发：提醒系列按 openid 分批发送",
		kNoTag + "tags":       "未按标签群发：标签不足：需要 %d 个，剩余 %d 个",
		kNoTag + "tags_read":  "未按标签群发：未能读取公众号的标签",
		kNoTag + "tag_quota":  "未按标签群发：今日标签接口额度不足：需要 %d 次，剩余 %d 次",
		kNoTag + "mass_quota": "未按标签群发：今日群发接口额度不足：需要 %d 次，剩余 %d 次",
		kNoTag + "late":       "未按标签群发：打标签约需 %d 分钟，今日剩余时间不够",
	}
}

func quotaEN() catalog {
	return catalog{
		kPlanMass:          "Mass-send API: %s calls needed, %s left today",
		kPlanMassAtMost:    "Mass-send API: at most %s calls (with openid batches for followers at 20 tags), %s left today",
		kPlanUpload:        "News upload (uploadnews): %s calls needed, %s left today",
		kPlanTagging:       "Tag API: tagging %s calls (%s left), untagging %s (%s left), tag creation %s (%s left), tag deletion %s (%s left)",
		kPlanFinish:        "Delivered by about %s (WeChat delivers %s followers a minute)",
		kPlanFinishUnknown: "WeChat's delivery speed is unknown: no finish time estimated",
		kPlanShort:         "%s mass-send calls left today, this plan needs %s: about %s followers today, the rest on the next days",
		kPlanDone:          ", complete by %s",
		kPlanTagFrom:       "Not enough of today is left to tag everyone: the tag send starts on %s",
		kQuotaLeft:         "%s/%s",
		kQuotaUnknown:      "unknown",
		kQuotaMassToday:    "Mass-send API calls left today: %s/%s",
		kQuotaMassUnknown:  "Mass-send API calls left today: unknown (WeChat's quota could not be read)",

		kChannel + "openid": "Sent by openid batches",
		kChannel + "tag":    "Sent by WeChat tag (one temporary tag per version)",

		kNoTag + "series":     "Not sent by tag: reminder series send by openid batches",
		kNoTag + "tags":       "Not sent by tag: too few free tags: %d needed, %d free",
		kNoTag + "tags_read":  "Not sent by tag: the account's tags could not be read",
		kNoTag + "tag_quota":  "Not sent by tag: today's tag API quota is too small: %d calls needed, %d left",
		kNoTag + "mass_quota": "Not sent by tag: today's mass-send quota is too small: %d calls needed, %d left",
		kNoTag + "late":       "Not sent by tag: tagging takes about %d minutes, more than is left of today",
	}
}
