"""
The word tables the sample-career generator draws on (careers.demo.generator).

Plain data that imports no models. The generator draws from these tables in
order with a seeded random generator, so adding, removing or reordering an
entry changes the careers that every seed produces.
"""

from dataclasses import dataclass

SUMMARY_PREFIX = "Sample career for trying the portal."
SOURCE = {"name": "Invented sample figures"}

# The MLOps guide's factors, in its order, so sample and real careers compare.
FACTORS = [
    "Opportunities for Advancement",
    "Skill Development",
    "Industry Growth",
    "Stability",
    "Networking Opportunities",
    "Flexibility",
    "Salary and Benefits Progression",
    "Work-Life Balance",
]

# For each factor, a reason for a high score (7 and up) and for a lower one.
REASONS = {
    "Opportunities for Advancement": (
        "Experienced {plural} can move into senior, lead and management roles, "
        "or across into neighboring work in {field}.",
        "Promotion paths exist but are narrow; many {plural} advance by changing "
        "employer rather than within one team.",
    ),
    "Skill Development": (
        "The tools and practices of {field} change quickly, so {plural} keep "
        "learning on the job.",
        "The core skills are stable; growth comes from depth rather than from a "
        "stream of new tools.",
    ),
    "Industry Growth": (
        "Demand for people skilled in {field} is growing in most sectors.",
        "Demand is steady rather than fast-growing, and varies from region to region.",
    ),
    "Stability": (
        "Organizations rely on this work every day, so the role tends to survive "
        "budget cuts.",
        "Roles are sometimes cut or outsourced when budgets tighten.",
    ),
    "Networking Opportunities": (
        "{plural} work with {partners}, and active meetups and conferences make "
        "it easy to meet peers.",
        "The work is often focused within one team, so building a network takes "
        "deliberate effort.",
    ),
    "Flexibility": (
        "Much of the work can be done remotely, and the skills transfer between "
        "industries.",
        "Some duties need you on site or on call, which limits flexibility.",
    ),
    "Salary and Benefits Progression": (
        "Pay rises clearly with each stage, as the sample figures below show.",
        "Pay grows with experience, though more slowly than in some neighboring roles.",
    ),
    "Work-Life Balance": (
        "Hours are mostly predictable, with busy periods around deadlines and "
        "releases.",
        "Deadlines, incidents or on-call rotas can make the hours unpredictable.",
    ),
}
GOOD_SCORE = 7

# Shared skills, so a skill page lists several sample careers.
SKILLS = {
    "API Design": "Clear, stable interfaces let other teams build on your work.",
    "Accessibility Standards": (
        "Knowing WCAG and assistive technology makes products usable by everyone."
    ),
    "Automated Testing": "Tests catch regressions before users do.",
    "Cloud Platforms": (
        "Most systems now run on a public cloud, and its services shape the design."
    ),
    "Communication": (
        "Explaining technical work to non-specialists is half of getting it used."
    ),
    "Data Modeling": "Well-shaped tables make every later query simpler and faster.",
    "Data Visualization": "A clear chart turns a finding into a decision.",
    "Experiment Design": "Well-designed tests separate real effects from noise.",
    "Identity and Access Management": (
        "Controlling who can reach what is the first line of defense."
    ),
    "Incident Response": "Staying calm and methodical when systems fail limits harm.",
    "Infrastructure as Code": (
        "Describing infrastructure in code makes it reviewable and repeatable."
    ),
    "JavaScript and TypeScript": "The languages of the browser and much of the web.",
    "Linux Administration": "Most servers run Linux, and problems surface there.",
    "Machine Learning": "Knowing how models learn helps you judge when to use one.",
    "Monitoring and Observability": (
        "Metrics, logs and traces show what a system is doing and why."
    ),
    "Networking Fundamentals": (
        "DNS, routing and TLS sit underneath every connection you debug."
    ),
    "Problem Solving": "Breaking a vague problem into testable steps saves days.",
    "Prototyping": "A quick prototype answers questions that meetings cannot.",
    "Python Programming": (
        "Python is the common language for scripting, automation and analysis."
    ),
    "Roadmap Planning": "Sequencing work around goals keeps a team focused.",
    "SQL": "Querying and shaping data is an everyday task in this role.",
    "Stakeholder Management": (
        "Aligning people with different goals keeps work moving."
    ),
    "Statistics": "Sound statistics keep conclusions honest.",
    "Threat Modeling": "Thinking like an attacker shows where defenses are thin.",
    "User Research": "Watching real people use a product reveals what to fix first.",
    "Version Control": "Git history makes changes reviewable and reversible.",
    "Writing and Editing": "Plain, precise words make products easier to use.",
}
SKILL_HEADINGS = ["Proficiency in {}", "Strength in {}", "{}"]
SKILL_NOTES = [
    "Expect to use it most days.",
    "Employers often test it in interviews.",
    "It grows in importance at senior levels.",
    "Small personal projects are a good way to practice it.",
]

OTHER_EDUCATION = [
    ("Portfolio of Projects", "A public portfolio shows employers what you can do."),
    (
        "Open-Source Contributions",
        "Contributing to open-source projects builds skills and a visible record.",
    ),
    (
        "Apprenticeship",
        "Some employers train apprentices on the job, with no degree required.",
    ),
]
INDUSTRIES = ["healthcare", "finance", "retail", "the public sector", "logistics"]


@dataclass(frozen=True)
class Area:
    """A category of sample careers and the material its careers draw on."""

    category: str
    field: str
    partners: str
    base_salary: int
    roles: list  # (title, what people in the role do)
    skills: list
    degrees: list
    certifications: list
    courses: list


AREAS = [
    Area(
        category="Data & AI",
        field="data and machine learning",
        partners="data scientists, engineers and business stakeholders",
        base_salary=62000,
        roles=[
            (
                "Data Analyst",
                "turn raw business data into reports and dashboards that guide "
                "decisions",
            ),
            (
                "Machine Learning Engineer",
                "build, train and ship the models behind a product's predictions",
            ),
            (
                "Data Engineer",
                "build the pipelines that move, clean and store an organization's data",
            ),
            (
                "Analytics Engineer",
                "model warehouse data into tested, documented tables that analysts "
                "trust",
            ),
        ],
        skills=[
            "SQL",
            "Python Programming",
            "Statistics",
            "Data Visualization",
            "Data Modeling",
            "Machine Learning",
            "Cloud Platforms",
            "Communication",
        ],
        degrees=["Computer Science", "Statistics", "Mathematics", "Data Science"],
        certifications=[
            "Cloud Data Engineering Certification",
            "Analytics Platform Certification",
        ],
        courses=["Machine Learning Online Course", "SQL and Data Analysis Bootcamp"],
    ),
    Area(
        category="Software",
        field="software development",
        partners="designers, product managers and other developers",
        base_salary=65000,
        roles=[
            (
                "Backend Developer",
                "design and build the services and APIs behind an application",
            ),
            (
                "Frontend Developer",
                "build the fast, accessible interfaces people use in the browser",
            ),
            ("Mobile App Developer", "build and release apps for phones and tablets"),
            (
                "Quality Assurance Engineer",
                "design the tests and tooling that keep releases reliable",
            ),
        ],
        skills=[
            "Python Programming",
            "JavaScript and TypeScript",
            "API Design",
            "Automated Testing",
            "Version Control",
            "SQL",
            "Cloud Platforms",
            "Problem Solving",
        ],
        degrees=["Computer Science", "Software Engineering", "Mathematics"],
        certifications=[
            "Cloud Developer Certification",
            "Software Testing Certification",
        ],
        courses=["Web Development Bootcamp", "Algorithms Online Course"],
    ),
    Area(
        category="Infrastructure",
        field="infrastructure and operations",
        partners="developers, security teams and vendors",
        base_salary=64000,
        roles=[
            (
                "Cloud Platform Engineer",
                "build the shared cloud platform that other teams deploy onto",
            ),
            (
                "Site Reliability Engineer",
                "keep production systems fast, available and observable",
            ),
            (
                "Network Engineer",
                "design and run the networks that connect offices, data centers "
                "and the cloud",
            ),
            (
                "Database Administrator",
                "keep databases healthy, backed up, secure and fast",
            ),
        ],
        skills=[
            "Linux Administration",
            "Cloud Platforms",
            "Infrastructure as Code",
            "Networking Fundamentals",
            "Monitoring and Observability",
            "Incident Response",
            "Version Control",
            "Python Programming",
        ],
        degrees=["Computer Science", "Information Technology", "Network Engineering"],
        certifications=[
            "Cloud Architect Certification",
            "Kubernetes Administrator Certification",
        ],
        courses=["Linux System Administration Course", "Networking Essentials Course"],
    ),
    Area(
        category="Design",
        field="product design",
        partners="researchers, developers and product managers",
        base_salary=55000,
        roles=[
            (
                "UX Designer",
                "research how people use a product and design flows that work for them",
            ),
            (
                "Interaction Designer",
                "shape how screens respond to every tap, click and keystroke",
            ),
            (
                "Content Designer",
                "write and structure the words people read in a product",
            ),
            (
                "Accessibility Specialist",
                "make sure products work for everyone, including people who use "
                "assistive technology",
            ),
        ],
        skills=[
            "User Research",
            "Prototyping",
            "Accessibility Standards",
            "Writing and Editing",
            "Data Visualization",
            "Communication",
            "Stakeholder Management",
            "JavaScript and TypeScript",
        ],
        degrees=["Interaction Design", "Psychology", "Graphic Design"],
        certifications=[
            "Accessibility Professional Certification",
            "UX Research Certification",
        ],
        courses=["UX Design Course", "Content Design Workshop"],
    ),
    Area(
        category="Security",
        field="information security",
        partners="engineers, auditors and incident responders",
        base_salary=68000,
        roles=[
            (
                "Security Analyst",
                "watch for threats and respond when something goes wrong",
            ),
            (
                "Penetration Tester",
                "attack systems, with permission, to find weaknesses before "
                "criminals do",
            ),
            (
                "Cloud Security Engineer",
                "secure cloud accounts, identities and workloads",
            ),
            (
                "Identity and Access Engineer",
                "manage who can reach which systems, and prove it to auditors",
            ),
        ],
        skills=[
            "Threat Modeling",
            "Incident Response",
            "Identity and Access Management",
            "Networking Fundamentals",
            "Linux Administration",
            "Cloud Platforms",
            "Python Programming",
            "Communication",
        ],
        degrees=["Cybersecurity", "Computer Science", "Information Systems"],
        certifications=[
            "Security Fundamentals Certification",
            "Ethical Hacking Certification",
        ],
        courses=["Incident Handling Course", "Secure Coding Course"],
    ),
    Area(
        category="Product",
        field="product management",
        partners="engineering, design, sales and support",
        base_salary=70000,
        roles=[
            ("Product Manager", "decide what a team builds next, and why"),
            (
                "Product Owner",
                "turn a product's goals into an ordered backlog the team can deliver",
            ),
            (
                "Technical Program Manager",
                "coordinate large projects that span several engineering teams",
            ),
            (
                "Product Analyst",
                "measure how a product is used and turn findings into recommendations",
            ),
        ],
        skills=[
            "Roadmap Planning",
            "Stakeholder Management",
            "Experiment Design",
            "User Research",
            "SQL",
            "Data Visualization",
            "Communication",
            "Problem Solving",
        ],
        degrees=["Business Administration", "Economics", "Computer Science"],
        certifications=[
            "Product Management Certification",
            "Agile Product Owner Certification",
        ],
        courses=["Product Strategy Course", "Product Analytics Course"],
    ),
]

# Round-robin over the areas (four roles each), so any six consecutive careers
# span every category.
ROLES = [(area, *area.roles[index]) for index in range(4) for area in AREAS]

# Canonical order; each career takes eight of these and keeps the order.
STEPS = [
    (
        "Earn a Relevant Degree",
        "Study {degree} or a related subject. It gives you the grounding in "
        "{field} that employers look for in {a_role}, and a network of peers "
        "who will enter the field with you.",
    ),
    (
        "Learn the Core Tools",
        "Get comfortable with {skill_a} and {skill_b}; most job postings for "
        "{a_role} ask for both. Practice on small, realistic problems rather than "
        "toy examples.",
    ),
    (
        "Build a Portfolio",
        "Collect two or three small projects that show how you {duty}. Employers "
        "read portfolios more closely than certificates, so explain your "
        "choices as well as the results.",
    ),
    (
        "Take an Entry-Level Role",
        "Start as an intern or a junior in a {field} team. Real projects, real "
        "deadlines and real colleagues teach what courses cannot.",
    ),
    (
        "Earn a Certification",
        "A credential such as the {certification} shows you have kept your "
        "knowledge current. Choose one that employers in your region ask for.",
    ),
    (
        "Find a Mentor",
        "An experienced {role} can review your work, explain unwritten rules and "
        "point out the next opportunity before it is advertised.",
    ),
    (
        "Join a Community",
        "Meetups, forums and conferences about {field} keep you in touch with "
        "peers and with new practices, and often lead to job offers.",
    ),
    (
        "Contribute to Open Source",
        "Public contributions build skills and give interviewers something "
        "concrete to discuss. Start with documentation and small fixes.",
    ),
    (
        "Specialize in an Industry",
        "Knowing a sector such as {industry} well sets you apart from candidates "
        "with general experience, and makes you more useful to its employers.",
    ),
    (
        "Take On Leadership",
        "Lead a small project or mentor newer colleagues to prepare for senior "
        "and lead roles. Leadership is learned by doing, a little at a time.",
    ),
    (
        "Keep Learning",
        "Practices in {field} change quickly; set aside regular time to learn "
        "what is new and to revisit the fundamentals.",
    ),
]
STEP_COUNT = 8

STAGES = [
    (
        "Junior {role}",
        "At this stage you learn the basics of {field} under close guidance, "
        "working on well-defined tasks.",
    ),
    (
        "{role}",
        "With growing independence, you {duty}, owning pieces of work from start "
        "to finish and learning how the wider organization uses them.",
    ),
    (
        "Senior {role}",
        "Senior {plural} take on the hardest problems, review others' work and "
        "shape how the team works.",
    ),
    (
        "Lead {role}",
        "As a lead you set direction for a team, balance its priorities and "
        "support its members' growth.",
    ),
    (
        "Principal {role}",
        "At the top of the ladder you influence strategy across the organization "
        "and represent {field} to its leadership.",
    ),
]

INTROS = [
    "{plural} {duty}. The role sits at the heart of {field}, and its work is "
    "visible in almost every product an organization ships.",
    "{plural} {duty}. It is a practical, hands-on role in {field} that rewards "
    "curiosity and care for detail.",
]
DAY_TO_DAY = (
    "Day to day, {a_role} works closely with {partners}, turning their needs into "
    "working results. This guide is invented sample content for trying the "
    "portal: its figures, scores and advice are illustrative only."
)
WHY_CHOOSE = [
    "A career as {a_role} combines technical depth with visible impact: the "
    "results of your work are used by colleagues and customers every day.",
    "Choosing to become {a_role} means joining a field where demand is healthy "
    "and skills carry over from one employer to the next.",
]
WHY_CHOOSE_MORE = (
    "The role offers steady progression, from junior positions to lead and "
    "principal roles, and the chance to specialize in an industry you care about. "
    "{plural} also learn constantly, because work in {field} never stands still."
)
OUTLOOKS = [
    "The outlook for {plural} is positive. As organizations invest further in "
    "{field}, they need people who can {duty}. Those who keep their skills "
    "current and understand the business around them will find a rewarding "
    "career.",
    "Demand for {plural} is expected to keep growing. Automation will change "
    "parts of the job, but the judgment needed to {duty} remains in short supply, "
    "so the role promises a fulfilling career for those who keep learning.",
]
