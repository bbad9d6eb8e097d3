// The wxcast demo page: a phone-like chat with the Official Account (as an
// admin or as any follower), the event stream, live segment counts and
// broadcast progress. Everything comes from the demo's JSON API, which
// reads it from the running wxcast and the simulated WeChat.
"use strict";

const STATES = {
  draft: "草稿", planned: "已预览", approved: "已批准", scheduled: "已排期", sending: "发送中",
  sent: "已发送", partially_failed: "部分失败", rejected: "已驳回", cancelled: "已取消", retracted: "已撤回", paused: "已暂停",
  paused: "已暂停",
};
const BATCH_STATES = { pending: "待发", sending: "发送中", sent: "已接受", failed: "失败", skipped: "已跳过" };
const PAUSED = { owner: "所有者暂停", failure: "失败率过高", unsubscribe: "取关率过高" };

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
};
// Times show in the account's timezone, which /api/people names.
const hhmmss = (t) => new Date(t).toLocaleTimeString("zh-CN", { hour12: false, timeZone: state.tz });

async function api(path, body) {
  const opts = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const r = await fetch(path, opts);
  const data = await r.json();
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

// gen counts identity switches: an answer to a request made before the
// latest switch is dropped, even when the chat switched back since.
const state = { tz: undefined, who: "", gen: 0, admin: true, label: "", chatAfter: 0, feedAfter: 0, admins: [], followers: 0, tags: new Set(), stick: true };

// The chat sticks to its newest message unless the person scrolled up.
function stickToBottom() {
  const box = $("messages");
  if (state.stick) box.scrollTop = box.scrollHeight;
}

// ---- identity -------------------------------------------------------------

async function loadPeople() {
  const p = await api("/api/people");
  state.admins = p.admins || [];
  state.followers = p.followers;
  state.tz = p.timezone || undefined;
  const sel = $("who");
  sel.textContent = "";
  for (const a of state.admins) sel.append(el("option", { value: a.openid, text: `管理员 ${a.label}（${a.roles}）` }));
  sel.append(el("option", { value: "", text: "粉丝…", id: "who-fan" }));
  $("fan-n").max = String(p.followers);
  if (state.admins.length) switchTo(state.admins[0].openid, state.admins[0].label, true);
}

function switchTo(openid, label, admin) {
  state.gen++;
  state.who = openid;
  state.label = label;
  state.admin = admin;
  state.chatAfter = 0;
  state.tags = new Set();
  state.stick = true;
  $("messages").textContent = "";
  $("profile").textContent = "";
  $("account").textContent = "wxcast 演示号";
  const sel = $("who");
  if (admin) sel.value = openid;
  else {
    const opt = $("who-fan");
    opt.value = openid;
    opt.textContent = label;
    sel.value = openid;
  }
  $("text").placeholder = admin ? "输入命令，如：帮助" : "以 " + label + " 的身份发消息";
  $("messages").append(el("div", { class: "tip", text: admin ? adminTip(openid) : `你是 ${label}。发消息（价格、优惠、教程）或点下方菜单，看事件流里的标签变化。` }));
  renderMenu();
  pollChat();
  pollProfile();
}

// adminTip walks a first-time visitor through one broadcast.
function adminTip(openid) {
  const me = state.admins.find((a) => a.openid === openid);
  const other = state.admins.find((a) => a.openid !== openid);
  let tip = `你是管理员 ${me.label}（${me.roles}），在微信里给公众号发命令。试试：分群 → 新建 promo_clickers 文本 周末特惠 → 预览 1`;
  if (other) tip += ` → 在「身份」切换到 ${other.label} 发送「批准 1」→ 切回来「发送 1」→「状态 1」`;
  tip += "。还可以试：新建一条含「全网最低价」的文本看内容检查，「对照组 2 10%」「变体 2 文本 …」做 A/B，「发送 2 最佳」挑推荐时段，「提醒 2 21:00 1h,10m」做提醒系列";
  return tip + "。";
}

async function pickFan(n) {
  try {
    const p = await api("/api/people?n=" + n);
    if (p.pick) switchTo(p.pick.openid, p.pick.label, false);
    else $("stats").textContent = `没有粉丝${n}：编号是 1 到 ${state.followers}`;
  } catch (e) {
    $("stats").textContent = "连接出错：" + e.message;
  }
}

// ---- chat -----------------------------------------------------------------

function renderMenu() {
  const m = $("menu");
  m.textContent = "";
  const say = (text) => el("button", { type: "button", text, onclick: () => send(text) });
  const act = (text, action) => el("button", { type: "button", text, "data-action": action, onclick: () => doAction(action) });
  if (state.admin) {
    m.append(say("帮助"), say("分群"), say("列表"));
  } else {
    m.append(act("优惠活动", "promo"), act("价目表", "prices"), act("发送位置", "location"), act("取消关注", "unsubscribe"), act("关注", "subscribe"));
  }
}

function renderMessage(msg) {
  const box = el("div", { class: "msg", "data-from": msg.from, "data-kind": msg.kind });
  if (msg.title) box.append(el("div", { class: "title", text: msg.title }));
  box.append(el("div", { class: "body", text: msg.text }));
  if (msg.url) box.append(el("div", { class: "link", text: msg.url }));
  if (msg.kind !== "event") box.append(el("time", { text: hhmmss(msg.at) }));
  return box;
}

async function pollChat() {
  const who = state.who, gen = state.gen;
  if (!who) return;
  const list = await api(`/api/chat?openid=${encodeURIComponent(who)}&after=${state.chatAfter}`);
  if (gen !== state.gen || !list.length) return;
  const box = $("messages");
  for (const msg of list) {
    if (msg.seq <= state.chatAfter) continue;
    state.chatAfter = msg.seq;
    box.append(renderMessage(msg));
  }
  if (list.some((m) => m.from === "me")) state.stick = true;
  stickToBottom();
}

async function send(text) {
  if (!state.who || !text.trim()) return;
  $("send").disabled = true;
  try {
    await api("/api/say", { openid: state.who, text });
  } catch (e) {
    $("messages").append(renderMessage({ from: "account", kind: "error", text: e.message, at: Date.now() }));
  } finally {
    $("send").disabled = false;
  }
  await pollChat();
  pollProfile();
}

async function doAction(action) {
  try {
    await api("/api/do", { openid: state.who, action });
  } catch (e) {
    $("messages").append(renderMessage({ from: "account", kind: "error", text: e.message, at: Date.now() }));
  }
  await pollChat();
  pollProfile();
}

async function pollProfile() {
  const who = state.who, gen = state.gen;
  if (!who || state.admin) return;
  const p = await api("/api/profile?openid=" + encodeURIComponent(who));
  if (gen !== state.gen) return;
  const box = $("profile");
  box.textContent = "";
  box.append(el("span", { text: `${p.label} · ${p.subscribed ? "已关注" : p.known ? "已取关" : "未关注"}${p.scene ? " · 来源 " + p.scene : ""}${p.place ? " · " + p.place : ""} ` }));
  const seen = new Set();
  for (const t of p.tags) {
    seen.add(t);
    box.append(el("span", { class: "chip" + (state.tags.size && !state.tags.has(t) ? " new" : ""), text: t, "data-tag": t }));
  }
  for (const t of p.wechat_tags || []) box.append(el("span", { class: "chip wx", text: "微信标签 " + t }));
  if (p.attrs) box.append(el("span", { class: "attrs", text: " " + Object.entries(p.attrs).map(([k, v]) => k + "=" + v).join(" ") }));
  state.tags = seen.size ? seen : new Set([""]);
  // Follow or unfollow, whichever the follower can do now.
  const follow = document.querySelector('#menu [data-action="subscribe"]');
  const unfollow = document.querySelector('#menu [data-action="unsubscribe"]');
  if (follow && unfollow) {
    follow.hidden = p.subscribed;
    unfollow.hidden = !p.subscribed;
  }
  stickToBottom();
}

// ---- event stream -----------------------------------------------------------

async function pollFeed() {
  const f = await api("/api/feed?after=" + state.feedAfter);
  const ul = $("feed");
  for (const e of f.entries) {
    if (e.seq <= state.feedAfter) continue;
    state.feedAfter = e.seq;
    const li = el("li", {},
      el("span", { class: "t", text: hhmmss(e.at) }),
      el("span", { class: "who", text: e.label, title: e.openid, onclick: () => switchTo(e.openid, e.label, state.admins.some((a) => a.openid === e.openid)) }),
      el("span", { text: e.action }));
    for (const t of e.added || []) li.append(" ", el("span", { class: "chip new", text: "+" + t }));
    for (const t of e.removed || []) li.append(" ", el("span", { class: "chip off", text: "−" + t }));
    if (e.reply) li.append(el("span", { class: "reply", text: "↳ " + e.reply.split("\n")[0] }));
    if (e.error) li.append(el("span", { class: "reply err", text: "✕ " + e.error }));
    ul.prepend(li);
  }
  while (ul.children.length > 300) ul.lastChild.remove();
  $("stats").textContent = `粉丝 ${f.joined}/${f.followers} 已加入 · 回调 ${f.callbacks} · 标签变化 ${f.tag_changes}`;
}

// ---- segments ---------------------------------------------------------------

async function pollSegments() {
  const s = await api("/api/segments");
  const tb = $("segtable");
  tb.textContent = "";
  for (const seg of s.segments) {
    tb.append(el("tr", { "data-name": seg.name },
      el("td", {}, el("b", { text: seg.name }), el("span", { class: "desc", text: seg.description || "" })),
      el("td", { class: "count", text: seg.count.toLocaleString("zh-CN") }),
      el("td", {}, el("button", { type: "button", text: "新建群发", title: "以第一位管理员的身份新建", onclick: () => draft(seg.name) }))));
  }
  $("seg-at").textContent = "实时人数 · " + hhmmss(s.at);
}

function draft(segment) {
  if (state.admins.length && !state.admin) switchTo(state.admins[0].openid, state.admins[0].label, true);
  $("text").value = `新建 ${segment} 文本 `;
  $("text").focus();
  showPane("chat");
}

// ---- broadcasts -------------------------------------------------------------

async function pollBroadcasts() {
  const list = await api("/api/broadcasts");
  const box = $("bclist");
  if (!list.length) return;
  box.textContent = "";
  for (const b of list) {
    const card = el("div", { class: "bc", "data-id": b.id, "data-state": b.state });
    card.append(el("div", { class: "head" },
      el("b", { text: `#${b.id} ${b.segment}` }),
      el("span", { class: "state", "data-state": b.state, text: STATES[b.state] || b.state })));
    card.append(el("div", { class: "meta", text: `${b.creator} · ${b.type === "text" ? "文本" : b.type}：${b.text}` }));
    const plan = [];
    if (b.plan) plan.push(`计划 ${b.plan} · 受众 ${b.audience} 人`);
    if (b.approvals && b.approvals.length) plan.push("批准：" + b.approvals.join("、"));
    if (plan.length) card.append(el("div", { class: "meta", text: plan.join(" · ") }));
    if (b.batches.length) {
      const pct = Math.round((100 * b.done) / b.batches.length);
      card.append(el("div", { class: "bar" }, el("i", { style: `width:${pct}%` })));
      let line = `${b.done}/${b.batches.length} 批 · ${b.recipients} 人`;
      if (b.sent || b.errors) line += ` · 微信报告已送达 ${b.sent}，失败 ${b.errors}`;
      if (b.next_batch && b.state === "sending") line += ` · 下一批 ${hhmmss(b.next_batch)}`;
      card.append(el("div", { class: "meta progress", text: line }));
      const bs = el("div", { class: "batches" });
      b.batches.forEach((x, i) => {
        let t = `第${i + 1}批 ${x.size}人 ${BATCH_STATES[x.state] || x.state}`;
        if (x.reported) t += ` 送达${x.sent}`;
        bs.append(el("span", { class: "batch", "data-state": x.state, title: x.msg_id ? "msg_id " + x.msg_id : x.error || "", text: t }));
      });
      card.append(bs);
    }
    if (b.outcome) {
      const o = b.outcome;
      // Only the links of texts are tracked; articles have their reads.
      const parts = b.type === "text" ? [`点击 ${o.clickers} 人（${o.taps} 次）`] : [];
      parts.push(`转化 ${o.conversions} 人`);
      if (o.reads !== undefined) parts.push(`阅读 ${o.reads} 次`);
      else if (o.article) parts.push("阅读数待微信次日公布");
      card.append(el("div", { class: "meta outcome", "data-clickers": o.clickers, "data-conversions": o.conversions,
        title: "点击：收到该版本的粉丝经网页授权打开链接；转化：送达后订单系统写入转化属性", text: "效果：" + parts.join(" · ") }));
    }
    if (b.dropped) card.append(el("div", { class: "meta", text: `预览后取关、未发送：${b.dropped} 人` }));
    const safe = [];
    if (b.hits) safe.push(`内容检查命中 ${b.hits} 处${b.overridden ? "（所有者已强制放行）" : "（需所有者强制）"}`);
    if (b.capped) safe.push(`频次上限排除 ${b.capped} 人`);
    if (b.versions) safe.push(`${b.versions} 个版本`);
    if (b.holdout) safe.push(`对照组 ${b.holdout}%`);
    if (b.reminders) safe.push(`提醒系列 ${b.reminders} 次`);
    if (b.paused) safe.push("已暂停：" + (PAUSED[b.paused] || b.paused));
    if (safe.length) card.append(el("div", { class: "meta safety", text: safe.join(" · ") }));
    if (b.failure) card.append(el("div", { class: "meta err", text: "原因：" + b.failure }));
    box.append(card);
  }
}

// ---- wiring -----------------------------------------------------------------

function showPane(name) {
  for (const b of $("tabs").children) b.classList.toggle("on", b.dataset.pane === name);
  for (const p of document.querySelectorAll(".pane")) p.classList.toggle("on", p.id === "pane-" + name);
}

function every(ms, fn) {
  const run = async () => {
    try { await fn(); } catch (e) { $("stats").textContent = "连接出错：" + e.message; }
    setTimeout(run, ms);
  };
  run();
}

$("messages").addEventListener("scroll", () => {
  const box = $("messages");
  state.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
});
$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("text").value;
  $("text").value = "";
  send(text);
});
$("who").addEventListener("change", () => {
  const v = $("who").value;
  const a = state.admins.find((x) => x.openid === v);
  if (a) switchTo(a.openid, a.label, true);
  else pickFan(1 + Math.floor(Math.random() * state.followers));
});
$("fan-go").addEventListener("click", () => pickFan(parseInt($("fan-n").value, 10)));
$("fan-random").addEventListener("click", () => pickFan(1 + Math.floor(Math.random() * state.followers)));
$("tabs").addEventListener("click", (ev) => { if (ev.target.dataset.pane) showPane(ev.target.dataset.pane); });

// start loads the admins, retrying until the demo answers, then polls.
async function start() {
  try {
    await loadPeople();
  } catch (e) {
    $("stats").textContent = "连接出错，正在重试：" + e.message;
    setTimeout(start, 2000);
    return;
  }
  every(700, pollChat);
  every(1000, pollFeed);
  every(2000, pollSegments);
  every(1000, pollBroadcasts);
  every(2500, pollProfile);
}
start();
