"use strict";
// The console's words in both languages; the choice is kept in this browser (localStorage).
// Static text: elements with data-i18n (textContent), data-i18n-placeholder, data-i18n-title.
const WORDS = {
  en: {
    title: "Appointments · smartbranch staff console", loginTitle: "Staff sign-in · smartbranch",
    switchTo: "中文", today: "Today's appointments", live: "● live", signOut: "Sign out",
    search: "Search name, phone or booking code", time: "Time", customer: "Customer",
    phone: "Phone", code: "Code", service: "Service", status: "Status", ticket: "Ticket",
    queue: "Queue", counter: "Counter", callNext: "Call next", issueWalkIn: "Issue walk-in ticket",
    waiting: "Waiting", atCounters: "At the counters", nobodyWaiting: "Nobody waiting.",
    noAppointments: "No appointments.", checkIn: "Check in", noShow: "No-show", served: "Served",
    walkIn: "walk-in", toCounter: "→ counter {c}",
    checkedIn: "{name} checked in: ticket {t}, about {m} min.",
    markedNoShow: "{name} marked as no-show.", ticketNoShow: "Ticket {t} marked as no-show.",
    called: "Ticket {t} called to counter {c}.", nobody: "Nobody is waiting.",
    walkInIssued: "Walk-in ticket {t} issued, about {m} min.", error: "Error {s}",
    confirmNoShow: "Mark {who} as a no-show?",
    confirmNoShowText: "The appointment is closed and the customer must book again. This cannot be undone.",
    confirmTicketNoShow: "Mark ticket {t} as a no-show?",
    confirmTicketText: "The ticket leaves the queue. The customer must take a new number.",
    confirmYes: "Yes, mark as no-show", confirmNo: "Keep it",
    kiosks: "Kiosks", noKiosks: "No kiosks configured.", lastSeen: "last answer {t}",
    never: "never answered",
    k_ok: "In service", k_degraded: "In service, limited", k_down: "Out of service",
    k_unreachable: "Not answering", k_refused: "Token refused", k_unknown: "Checking…",
    d_ok: "OK", d_broken: "Not usable",
    l_bank: "bank", l_hub: "video teller", l_sync: "sync", linkDown: "link down: {l}",
    svc_account: "Open an account", svc_loan: "Loan consultation", svc_wealth: "Wealth management",
    svc_card: "Cards and payments", svc_forex: "Foreign exchange",
    dev_printer: "printer", dev_card_dispenser: "card dispenser", dev_camera: "camera",
    dev_pinpad: "PIN pad", dev_card_reader: "card reader", dev_scanner: "scanner",
    st_offline: "not connected", st_noDevice: "not found", st_powerOff: "switched off",
    st_hardwareError: "hardware fault", st_userError: "needs attention",
    st_fraudAttempt: "tamper alarm", st_potentialFraud: "possible tampering",
    st_starting: "starting", m_jammed: "jammed",
    sup_paper_out: "paper out", sup_paper_empty: "paper out", sup_paper_low: "paper low",
    sup_stacker_empty: "no cards left", sup_stacker_low: "cards low",
    sup_bin_full: "retain bin full", sup_bin_high: "retain bin nearly full",
    sup_light_low: "too dark",
    s_booked: "Booked", s_checked_in: "Checked in", s_waiting: "Waiting", s_called: "Called",
    s_served: "Served", s_no_show: "No-show", s_cancelled: "Cancelled",
    signInTitle: "Staff console", signInHint: "Sign in with your branch staff account.",
    userName: "User name", password: "Password", signIn: "Sign in",
    wrong: "Wrong user name or password.", locked: "Too many attempts. Wait a minute and try again.",
  },
  zh: {
    title: "预约 · 智慧网点员工控制台", loginTitle: "员工登录 · 智慧网点",
    switchTo: "English", today: "今日预约", live: "● 实时", signOut: "退出登录",
    search: "搜索姓名、手机号或预约码", time: "时间", customer: "客户",
    phone: "手机", code: "预约码", service: "业务", status: "状态", ticket: "排队号",
    queue: "排队", counter: "柜台", callNext: "叫下一位", issueWalkIn: "发放现场取号",
    waiting: "等候中", atCounters: "正在办理", nobodyWaiting: "暂无等候。",
    noAppointments: "暂无预约。", checkIn: "签到", noShow: "未到", served: "已办结",
    walkIn: "现场取号", toCounter: "→ {c} 号柜台",
    checkedIn: "{name} 已签到：排队号 {t}，约 {m} 分钟。",
    markedNoShow: "{name} 已标记为未到。", ticketNoShow: "排队号 {t} 已标记为未到。",
    called: "排队号 {t} 已叫到 {c} 号柜台。", nobody: "暂无等候的客户。",
    walkInIssued: "现场取号 {t} 已发放，约 {m} 分钟。", error: "出错（{s}）",
    confirmNoShow: "确定将 {who} 标记为未到？",
    confirmNoShowText: "该预约将关闭，客户需要重新预约。此操作无法撤销。",
    confirmTicketNoShow: "确定将排队号 {t} 标记为未到？",
    confirmTicketText: "该号将离开队列，客户需要重新取号。",
    confirmYes: "确定标记为未到", confirmNo: "取消",
    kiosks: "自助设备", noKiosks: "未配置自助设备。", lastSeen: "最近应答 {t}",
    never: "从未应答",
    k_ok: "正常服务", k_degraded: "部分功能受限", k_down: "暂停服务",
    k_unreachable: "无应答", k_refused: "令牌被拒绝", k_unknown: "检查中……",
    d_ok: "正常", d_broken: "不可用",
    l_bank: "银行主机", l_hub: "视频柜员", l_sync: "同步", linkDown: "连接中断：{l}",
    svc_account: "开户", svc_loan: "贷款咨询", svc_wealth: "理财服务",
    svc_card: "银行卡与支付", svc_forex: "外币兑换",
    dev_printer: "打印机", dev_card_dispenser: "发卡机", dev_camera: "摄像头",
    dev_pinpad: "密码键盘", dev_card_reader: "读卡器", dev_scanner: "扫描器",
    st_offline: "未连接", st_noDevice: "未检测到设备", st_powerOff: "已关机",
    st_hardwareError: "硬件故障", st_userError: "需要人工处理",
    st_fraudAttempt: "防拆报警", st_potentialFraud: "疑似被拆",
    st_starting: "正在启动", m_jammed: "卡住",
    sup_paper_out: "缺纸", sup_paper_empty: "缺纸", sup_paper_low: "纸将用完",
    sup_stacker_empty: "卡已发完", sup_stacker_low: "卡将用完",
    sup_bin_full: "回收箱已满", sup_bin_high: "回收箱将满",
    sup_light_low: "光线太暗",
    s_booked: "已预约", s_checked_in: "已签到", s_waiting: "等候中", s_called: "已叫号",
    s_served: "已办结", s_no_show: "未到", s_cancelled: "已取消",
    signInTitle: "员工控制台", signInHint: "请使用网点员工账号登录。",
    userName: "用户名", password: "密码", signIn: "登录",
    wrong: "用户名或密码错误。", locked: "尝试次数过多，请一分钟后再试。",
  },
};

function pickLang() {
  const saved = localStorage.getItem("sb_console_lang");
  if (saved in WORDS) return saved;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}
let LANG = pickLang();

// A word from a set (svc_, dev_, l_, s_) or, when there is none, the raw value.
function word(prefix, value) {
  const key = `${prefix}${value}`;
  return (WORDS[LANG] && WORDS[LANG][key]) || WORDS.en[key] || value;
}

function t(key, vars = {}) {
  const s = (WORDS[LANG] && WORDS[LANG][key]) || WORDS.en[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

function applyWords(titleKey) {
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  document.title = t(titleKey);
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const e of document.querySelectorAll("[data-i18n-title]")) e.title = t(e.dataset.i18nTitle);
}

function setLang(lang) {
  LANG = lang in WORDS ? lang : "en";
  localStorage.setItem("sb_console_lang", LANG);
}
