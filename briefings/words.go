package briefings

import (
	"strings"

	"palisade/frameworks"
)

// The plain language of the briefings. A board member is not an IT person:
// every CSF category gets a short everyday name, one sentence on why it
// matters to a local government, one on what closing a gap usually takes,
// and the decision a board would be asked to make about it. The texts are
// Palisade's own words, not NIST's.

// categoryWords is what the briefings say about one CSF 2.0 category.
type categoryWords struct {
	// Plain is an everyday name, used next to the official one.
	Plain string
	// Why says in one sentence why a gap here matters.
	Why string
	// Take says in one sentence what closing a gap usually takes.
	Take string
	// Decision is what the board is asked to approve, as an imperative.
	Decision string
}

// csfWords covers the 22 categories of NIST CSF 2.0 (TestWordsCoverCSF
// checks that none is missing).
var csfWords = map[string]categoryWords{
	"GV.OC": {
		Plain:    "Knowing what the organisation must protect",
		Why:      "Without a shared view of which services residents depend on and which laws and contracts apply, security money goes to whatever is loudest rather than to what matters most.",
		Take:     "A short list of critical services, the systems behind them and the legal duties that apply, agreed by management: a few days of staff time.",
		Decision: "Endorse a one-page list of the services and systems the organisation cannot do without, to steer security spending.",
	},
	"GV.RM": {
		Plain:    "A plan for handling cyber risk",
		Why:      "Without an agreed approach to risk, decisions about what to fix, insure or accept are made case by case and nobody can tell whether they add up.",
		Take:     "Management agreeing how much risk is acceptable, who decides, and how cyber risk is reported alongside other risks: mostly meeting time and a short document.",
		Decision: "Adopt a cyber risk statement that says how much risk is acceptable and how it is reported to the board.",
	},
	"GV.RR": {
		Plain:    "Who is in charge of cybersecurity",
		Why:      "When no one is clearly responsible, warnings go unanswered and an incident starts with an argument about who decides.",
		Take:     "Naming an accountable senior official and a day-to-day lead, writing their duties into job descriptions, and giving them the time to do it.",
		Decision: "Name the senior official accountable for cybersecurity and confirm their authority and time.",
	},
	"GV.PO": {
		Plain:    "A written security policy",
		Why:      "Staff, contractors and auditors need written rules to follow; without them, good practice depends on who happens to be on duty.",
		Take:     "Adopting a short policy, often from a consortium or state template, and reviewing it once a year.",
		Decision: "Adopt (or re-adopt) the cybersecurity policy and set a yearly review date.",
	},
	"GV.OV": {
		Plain:    "Board oversight of cybersecurity",
		Why:      "Governing bodies are increasingly held responsible for cyber incidents, and regular reports are how the board knows whether its decisions are carried out.",
		Take:     "A brief report to the board at least once a year, such as this briefing, with progress on the decisions it made.",
		Decision: "Schedule a cybersecurity report to the board at least once a year.",
	},
	"GV.SC": {
		Plain:    "Risks from suppliers and IT providers",
		Why:      "Many local-government breaches start at a vendor or IT provider with access to the network, and contracts are the main lever to make them protect it.",
		Take:     "A list of suppliers with access to systems or data, security clauses in new and renewed contracts, and a yearly check of the most important ones.",
		Decision: "Require security clauses (breach notice, multi-factor sign-in, insurance) in new and renewed IT contracts.",
	},
	"ID.AM": {
		Plain:    "Knowing which devices, software and data you have",
		Why:      "You cannot patch, back up or watch what you do not know exists, and forgotten devices are a common way in.",
		Take:     "An inventory of devices, software and online services kept current with a low-cost tool: a few weeks of staff or provider time to set up.",
		Decision: "Ask staff or the IT provider to keep a complete, current inventory of devices, software and online services.",
	},
	"ID.RA": {
		Plain:    "Finding weak spots and threats",
		Why:      "Attackers scan for known weaknesses within days of their publication, and finding them first is far cheaper than an incident.",
		Take:     "Regular vulnerability scanning (free from CISA for local governments), subscribing to security alerts, and a short list of the top risks.",
		Decision: "Sign up for CISA's free vulnerability scanning and ask for the findings to be fixed on a schedule.",
	},
	"ID.IM": {
		Plain:    "Learning and improving",
		Why:      "Without lessons from tests, incidents and assessments like this one, the same weaknesses come back year after year.",
		Take:     "Recording what was learnt from each incident, exercise and assessment, and tracking the actions to completion.",
		Decision: "Ask for an improvement plan from this assessment, with owners and dates, and track it to completion.",
	},
	"PR.AA": {
		Plain:    "Accounts, passwords and multi-factor sign-in",
		Why:      "Stolen or guessed passwords are the commonest way into local-government networks, and insurers ask about multi-factor sign-in before anything else.",
		Take:     "Turning on multi-factor sign-in for email, remote access and administrator accounts, ending shared logins and closing leavers' accounts at once: mostly staff time and licence settings.",
		Decision: "Approve multi-factor sign-in for all email, remote-access and administrator accounts.",
	},
	"PR.AT": {
		Plain:    "Staff awareness and training",
		Why:      "Most attacks begin with an email or a call that tricks a member of staff, and trained staff spot and report them.",
		Take:     "Short yearly training for all staff and elected officials, with practice phishing emails: low cost, or free through the consortium or MS-ISAC.",
		Decision: "Require yearly cybersecurity training for all staff and elected officials, the board included.",
	},
	"PR.DS": {
		Plain:    "Protecting data and backups",
		Why:      "Residents' personal data must be protected, and offline, tested backups decide whether ransomware is a bad week or a lost year.",
		Take:     "Encrypting laptops and sensitive data, keeping at least one backup copy offline or unchangeable, and testing a restore every few months.",
		Decision: "Fund offline or unchangeable backups and a tested restore at least twice a year.",
	},
	"PR.PS": {
		Plain:    "Keeping systems updated and securely set up",
		Why:      "Unpatched and unsupported systems are the second commonest way in, and known weaknesses are exploited within days.",
		Take:     "Security updates on a schedule, replacing systems that no longer get updates, and secure settings: staff time plus the cost of replacing old equipment.",
		Decision: "Approve a patching schedule and a budget to replace systems that no longer receive security updates.",
	},
	"PR.IR": {
		Plain:    "Resilient networks and systems",
		Why:      "On a flat network one infected computer can reach everything, and a single failure can stop services residents rely on.",
		Take:     "Separating important systems on the network, reviewing firewall rules, and spare capacity or failover for critical services.",
		Decision: "Ask for a plan to separate critical systems (such as water controls or dispatch) from the office network.",
	},
	"DE.CM": {
		Plain:    "Watching for attacks",
		Why:      "Attackers often sit in a network for weeks before they strike, and without logs and monitoring nobody notices until the damage is done.",
		Take:     "Endpoint detection on computers and servers, keeping logs, and someone (staff, a provider or a shared service) who looks at the alerts.",
		Decision: "Fund endpoint detection and monitoring, in-house or through a shared or managed service.",
	},
	"DE.AE": {
		Plain:    "Making sense of alerts",
		Why:      "Alerts help only if someone can tell a real attack from noise and raise the alarm quickly.",
		Take:     "Clear rules on which alerts are looked at, by whom and how fast, and when an alert becomes an incident.",
		Decision: "Confirm who reviews security alerts and how quickly a suspected attack is escalated.",
	},
	"RS.MA": {
		Plain:    "An incident response plan",
		Why:      "In the first hours of an incident, knowing whom to call (insurer, IT provider, police, the state) and who decides saves days and money.",
		Take:     "A short written plan with contacts and decision makers, agreed with the insurer and rehearsed once a year.",
		Decision: "Adopt an incident response plan naming who decides, the insurer and outside help, and rehearse it every year.",
	},
	"RS.AN": {
		Plain:    "Investigating incidents",
		Why:      "Without knowing how an attacker got in and what they touched, the organisation can neither close the door nor meet its legal duty to report.",
		Take:     "Keeping the logs and evidence an investigation needs and agreeing a forensic provider in advance, often through the insurer.",
		Decision: "Confirm an incident investigation provider (through the insurer or the consortium) before one is needed.",
	},
	"RS.CO": {
		Plain:    "Reporting and communicating during an incident",
		Why:      "Laws and insurers set deadlines for reporting breaches, and residents and partners need accurate, timely information.",
		Take:     "A contact list and message templates for staff, residents, partners, regulators and the press, and a decision on who may speak.",
		Decision: "Approve who speaks for the organisation during an incident and the reporting deadlines it must meet.",
	},
	"RS.MI": {
		Plain:    "Containing an attack",
		Why:      "The faster an attack is contained, the less it spreads to other systems and to the networks shared with the consortium.",
		Take:     "Agreed steps, tools and authority to disconnect systems or disable accounts within minutes.",
		Decision: "Give the IT lead the authority to disconnect systems and disable accounts at once during an attack.",
	},
	"RC.RP": {
		Plain:    "Restoring services after an incident",
		Why:      "A tested recovery plan is what keeps payroll, dispatch and water services running after ransomware or a major failure.",
		Take:     "A recovery plan that puts critical services first, matched to the backups, and tested by actually restoring systems.",
		Decision: "Ask for a recovery plan for critical services and a restore test, with the results reported to the board.",
	},
	"RC.CO": {
		Plain:    "Communicating during recovery",
		Why:      "Residents and partners need to know when services will be back, and trust depends on honest, consistent updates.",
		Take:     "Templates and a named spokesperson for recovery updates, and a short public account after a major incident.",
		Decision: "Name a spokesperson for recovery updates to residents and partners.",
	},
}

// wordsFor returns the plain language of a category. Categories of other
// frameworks (not in csfWords) get general sentences built on the
// catalog's own name.
func wordsFor(cat *frameworks.Catalog, categoryID string) categoryWords {
	if w, ok := csfWords[categoryID]; ok {
		return w
	}
	name := categoryName(cat, categoryID)
	return categoryWords{
		Plain:    name,
		Why:      "A gap here leaves one of the outcomes of the framework undone, and the weakest outcome is the one an attacker finds.",
		Take:     "Bringing the practices of this area up to the target, with written procedures and evidence that they are followed.",
		Decision: "Approve the work to bring " + strings.ToLower(name) + " up to the target.",
	}
}

// functionWords explains the six CSF 2.0 functions in one line each for
// the method appendix; other frameworks use their catalog summaries.
var functionWords = map[string]string{
	"GV": "Govern (who is in charge, the policy, risk decisions and the oversight of suppliers)",
	"ID": "Identify (knowing the devices, software, data and weak spots you have)",
	"PR": "Protect (everyday safeguards for accounts, devices, data and networks)",
	"DE": "Detect (noticing an attack quickly enough to act)",
	"RS": "Respond (organised action when an incident happens)",
	"RC": "Recover (bringing services back safely and keeping people informed)",
}

// glossary explains the few terms the briefings cannot avoid.
var glossary = [][2]string{
	{"NIST CSF 2.0", "the Cybersecurity Framework of the US National Institute of Standards and Technology, version 2.0: 6 functions, 22 categories and 106 outcomes (\"questions\") a well-run organisation achieves."},
	{"NCSR scale", "the maturity scale of the Nationwide Cybersecurity Review run by MS-ISAC for state and local governments, from 1 (Not Performed) to 7 (Optimized)."},
	{"Baseline", "the level the consortium asks every member to reach, normally 5 (Implementation in Progress), the NCSR's recommended minimum."},
	{"Target", "the level a member aims for on a question; the consortium's baseline unless the member set its own."},
	{"Gap", "how far a score is below its target; never negative."},
	{"Median", "the middle value: half of the members score at or above it, half at or below."},
	{"Floor", "the lowest level any member is at on a question: an attacker goes for the weakest member."},
}

// csfID is the catalog id of NIST CSF 2.0, the catalog csfWords and
// functionWords describe.
const csfID = "csf-2.0"
