"""The child-friendly summary in plain words: English, French and Spanish.

Written for the child, not for lawyers: short sentences, "you", no legal terms and
no words about the charge (neither the offence nor the reasons written by
professionals, which may name it). Programmes offered to the child are told by what
their kind involves and what taking part asks, never by the reasons given for them.
A language is chosen from `?lang=`, else the child's first language that has a text
here, else English. Dates are written in that language by Babel, in the court's time
zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from justice_tracker.deadlines.packs import pack_for
from justice_tracker.documents.alternatives import ReferralRecord
from justice_tracker.documents.content import CaseDocument, NextStep
from justice_tracker.rules.model import Kind

LANGUAGES = ("en", "fr", "es")
DATE_TIME = {"en": "d MMMM y, HH:mm", "fr": "d MMMM y 'à' HH:mm", "es": "d 'de' MMMM 'de' y, HH:mm"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "About your case",
        "page": "Page",
        "of": "of",
        "hello": "Hello {name}.",
        "intro": "This paper tells you, in simple words, what has happened in your case and what happens next. "
        "If something is not clear, ask your lawyer. It is fine to ask many times.",
        "now": "Where you are now",
        "held": "Right now you are at {place}. You have been there since {date}.",
        "held_days": "Counting all the time you have been kept, it is {days} days.",
        "free": "Right now you are not kept in custody.",
        "closed": "Your case is closed.",
        "so_far": "What has happened so far",
        "next": "What happens next",
        "nothing_next": "Nothing is planned yet. Your lawyer will tell you when something is decided.",
        "lawyer": "Your lawyer",
        "lawyer_is": "Your lawyer is {name}. You can write to them at {email}.",
        "no_lawyer": "No lawyer is written down for you yet. You have the right to a lawyer: "
        "ask the court or the adults looking after you.",
        "lawyer_help": "Your lawyer is on your side. What you tell them stays private.",
        "rights": "Your rights now",
        "other_ways": "Other ways instead of court or custody",
        "other_way": "{date}: people looked at other ways to deal with your case. {outcome}",
        "made": "This paper was made on {date}. Case number: {ref}.",
        "place_unknown": "a place that is not written down",
        "outcome.diverted": "They decided yes: your case goes another way, not through court.",
        "outcome.not_diverted": "They decided that your case stays in court for now.",
        "outcome.deferred": "They have not decided yet.",
        "step.breach": "A time limit set by law in your case has already passed. "
        "Your lawyer can ask the court to act on it.",
        "step.hearing": "{date}: you go to court.",
        "step.see_judge": "By {date}: you must be taken to see a judge or another official.",
        "step.custody_limit": "{date}: the law says you cannot be kept longer than this.",
        "step.review": "By {date}: a judge must check again whether you still have to stay where you are.",
        "step.release": "By {date}: you must be let go, unless a judge decides something else.",
        "step.parent": "By {date}: your family or another adult you trust must be told.",
        "step.lawyer": "By {date}: you must have a lawyer.",
        "step.decision": "By {date}: your case should be decided.",
        "step.other": "{date}: a time limit in your case ends. Your lawyer can explain it.",
        "event.apprehended": "{date}: the police took you to {place}.",
        "event.parent_notified": "{date}: your family or another adult you trust was told.",
        "event.lawyer_assigned": "{date}: a lawyer was given to you, to help you.",
        "event.social_worker_notified": "{date}: a social worker was told about your case.",
        "event.brought_before_authority": "{date}: you saw a judge or another official.",
        "event.custody_extended": "{date}: you were kept for longer, with permission from an official.",
        "event.limit_extended": "{date}: the time for one step of your case was made longer.",
        "event.released": "{date}: you were let go.",
        "event.diversion_considered": "{date}: people looked at other ways to deal with your case.",
        "event.charged": "{date}: the case was started officially.",
        "event.pretrial_detention_ordered": "{date}: a judge decided that you stay at {place} while your case goes on.",
        "event.detention_reviewed": "{date}: a judge checked whether you still have to stay where you are.",
        "event.transferred": "{date}: you were moved to {place}.",
        "event.hearing_scheduled": "{date}: a day was chosen for you to go to court.",
        "event.hearing_held": "{date}: you went to court.",
        "event.hearing_adjourned": "{date}: the court meeting was moved to another day.",
        "event.child_heard": "{date}: you told the court what you think.",
        "event.adjudicated": "{date}: the court decided about what happened.",
        "event.proceedings_terminated": "{date}: the case was stopped.",
        "event.sentenced": "{date}: the court decided what happens to you now.",
        "event.appeal_filed": "{date}: a higher court was asked to look at the decision again.",
        "event.appeal_decided": "{date}: the higher court gave its answer.",
        "event.aftercare_started": "{date}: help started for your life after the case.",
        "event.case_closed": "{date}: your case was closed.",
        "rights.custody": "You have the right to see and talk to your lawyer.\n"
        "You have the right to contact your family.\n"
        "You must be kept apart from adults.\n"
        "You must be told what is happening in a language you understand. You can ask for an interpreter.\n"
        "You can ask a judge to check whether you can go home.\n"
        "Nobody may hurt you. If you are ill, you must see a doctor.",
        "rights.open": "You have the right to a lawyer, for free if you cannot pay.\n"
        "You have the right to say what you think, and the court must listen.\n"
        "A parent or another adult you trust can be with you.\n"
        "You must be told what is happening in a language you understand.\n"
        "Your name and photo must not be made public.",
        "rights.closed": "Your name and photo must not be made public.\n"
        "You can ask your lawyer what the decision means for you, and whether it can be changed.",
        "programmes": "Programmes offered to you",
        "programme.who": "It is run by {provider}.",
        "programme.type.restorative_justice_conference": "With a trained helper, you meet the people affected by "
        "what happened, and together you agree how to put things right.",
        "programme.type.victim_offender_mediation": "A trained helper helps you and the person affected by what "
        "happened to talk, if you both want to, and to agree how to put things right.",
        "programme.type.family_group_conference": "You, your family and people who support you meet to make a plan "
        "together for what happens next.",
        "programme.type.mentoring": "You meet often with an adult, a mentor, who listens to you and helps you with "
        "school, work or other things that matter to you.",
        "programme.type.counselling_therapy": "You talk often with someone trained to help with feelings, worries "
        "or difficult things.",
        "programme.type.education_vocational": "You go to classes or training to learn things for school or for a job.",
        "programme.type.community_service": "You do useful work for some hours to help your town or neighbourhood.",
        "programme.type.supervision": "You meet often with a social worker, who checks how you are doing and helps "
        "you keep to what was agreed.",
        "programme.type.bail_support": "You can live at home or in another safe place while your case goes on. "
        "Someone helps you keep to the rules and get to your court dates.",
        "programme.type.reporting_centre": "You go to a centre during the day or in the evening, where there are "
        "activities and adults to help you.",
        "programme.type.home_based_supervision": "You stay at home, and someone visits or calls you often to see "
        "how you are doing and to help.",
        "programme.type.foster_shelter_placement": "You live for a time with another family or in a home for young "
        "people, where adults look after you.",
        "programme.type.other": "Ask your lawyer to explain what this programme involves.",
        "programme.state.offered": "You have been offered a place. You can think about it and ask questions before "
        "you answer.",
        "programme.state.accepted": "You said yes. It has not started yet.",
        "programme.state.declined": "This place was not taken.",
        "programme.state.started": "You have started.",
        "programme.state.completed": "You have finished it.",
        "programme.state.failed": "It stopped before the end. Your lawyer can tell you what this means for you.",
        "programme.state.closed": "This is no longer going on.",
        "programme.consent": "You can say yes or no. Nobody can make you take part.",
        "programme.parent": "One of your parents, or the adult who looks after you, must agree too.",
        "programme.acknowledgement": "You will be asked if you accept your part in what happened. This is not the "
        "same as a decision by a court. Talk to your lawyer first.",
        "programme.cost.free": "It costs your family nothing.",
        "programme.cost.contribution": "Your family may be asked to pay a little, but not if they cannot.",
        "programme.cost.fee": "Your family may have to pay for it. Ask your lawyer about this.",
        "programme.full": "Right now all the places are taken, so you may have to wait.",
        "programme.wait": "Right now all the places are taken: you may have to wait about {days} days.",
    },
    "fr": {
        "title": "Ce qui se passe dans ton affaire",
        "page": "Page",
        "of": "sur",
        "hello": "Bonjour {name}.",
        "intro": "Cette feuille t'explique avec des mots simples ce qui s'est passé dans ton affaire et ce qui va "
        "se passer ensuite. Si quelque chose n'est pas clair, demande à ton avocat. Tu peux poser tes questions "
        "autant de fois que tu veux.",
        "now": "Où tu es maintenant",
        "held": "En ce moment, tu es à {place}. Tu y es depuis le {date}.",
        "held_days": "En comptant tout le temps où tu as été enfermé, cela fait {days} jours.",
        "free": "En ce moment, tu n'es pas enfermé.",
        "closed": "Ton affaire est terminée.",
        "so_far": "Ce qui s'est déjà passé",
        "next": "Ce qui va se passer ensuite",
        "nothing_next": "Rien n'est encore prévu. Ton avocat te dira quand quelque chose sera décidé.",
        "lawyer": "Ton avocat",
        "lawyer_is": "Ton avocat s'appelle {name}. Tu peux lui écrire à {email}.",
        "no_lawyer": "Aucun avocat n'est encore noté pour toi. Tu as le droit d'avoir un avocat : "
        "demande-le au tribunal ou aux adultes qui s'occupent de toi.",
        "lawyer_help": "Ton avocat est de ton côté. Ce que tu lui dis reste secret.",
        "rights": "Tes droits maintenant",
        "other_ways": "D'autres solutions que le tribunal ou l'enfermement",
        "other_way": "{date} : des personnes ont cherché d'autres solutions pour ton affaire. {outcome}",
        "made": "Cette feuille a été faite le {date}. Numéro de l'affaire : {ref}.",
        "place_unknown": "un endroit qui n'est pas noté",
        "outcome.diverted": "Elles ont dit oui : ton affaire suit un autre chemin, sans passer par le tribunal.",
        "outcome.not_diverted": "Elles ont décidé que ton affaire reste au tribunal pour le moment.",
        "outcome.deferred": "Elles n'ont pas encore décidé.",
        "step.breach": "Un délai fixé par la loi dans ton affaire est déjà dépassé. "
        "Ton avocat peut demander au tribunal d'agir.",
        "step.hearing": "{date} : tu vas au tribunal.",
        "step.see_judge": "Avant le {date} : tu dois être conduit devant un juge ou une autre autorité.",
        "step.custody_limit": "{date} : la loi dit qu'on ne peut pas te garder plus longtemps que cela.",
        "step.review": "Avant le {date} : un juge doit vérifier de nouveau si tu dois rester là où tu es.",
        "step.release": "Avant le {date} : tu dois être libéré, sauf si un juge décide autre chose.",
        "step.parent": "Avant le {date} : ta famille ou un autre adulte de confiance doit être prévenu.",
        "step.lawyer": "Avant le {date} : tu dois avoir un avocat.",
        "step.decision": "Avant le {date} : ton affaire devrait être décidée.",
        "step.other": "{date} : un délai de ton affaire se termine. Ton avocat peut t'expliquer.",
        "event.apprehended": "{date} : la police t'a emmené à {place}.",
        "event.parent_notified": "{date} : ta famille ou un autre adulte de confiance a été prévenu.",
        "event.lawyer_assigned": "{date} : un avocat a été choisi pour t'aider.",
        "event.social_worker_notified": "{date} : un éducateur a été prévenu de ton affaire.",
        "event.brought_before_authority": "{date} : tu as vu un juge ou une autre autorité.",
        "event.custody_extended": "{date} : on t'a gardé plus longtemps, avec l'accord d'une autorité.",
        "event.limit_extended": "{date} : le temps prévu pour une étape de ton affaire a été allongé.",
        "event.released": "{date} : tu as été libéré.",
        "event.diversion_considered": "{date} : des personnes ont cherché d'autres solutions pour ton affaire.",
        "event.charged": "{date} : l'affaire a commencé officiellement.",
        "event.pretrial_detention_ordered": "{date} : un juge a décidé que tu restes à {place} pendant ton affaire.",
        "event.detention_reviewed": "{date} : un juge a vérifié si tu devais rester là où tu es.",
        "event.transferred": "{date} : tu as été emmené à {place}.",
        "event.hearing_scheduled": "{date} : une date a été choisie pour que tu ailles au tribunal.",
        "event.hearing_held": "{date} : tu es allé au tribunal.",
        "event.hearing_adjourned": "{date} : le rendez-vous au tribunal a été déplacé à un autre jour.",
        "event.child_heard": "{date} : tu as dit au tribunal ce que tu penses.",
        "event.adjudicated": "{date} : le tribunal a pris une décision sur ce qui s'est passé.",
        "event.proceedings_terminated": "{date} : l'affaire a été arrêtée.",
        "event.sentenced": "{date} : le tribunal a décidé de ce qui se passe pour toi maintenant.",
        "event.appeal_filed": "{date} : on a demandé à un autre tribunal de revoir la décision.",
        "event.appeal_decided": "{date} : l'autre tribunal a donné sa réponse.",
        "event.aftercare_started": "{date} : une aide a commencé pour ta vie après l'affaire.",
        "event.case_closed": "{date} : ton affaire a été terminée.",
        "rights.custody": "Tu as le droit de voir ton avocat et de lui parler.\n"
        "Tu as le droit de contacter ta famille.\n"
        "Tu dois être séparé des adultes.\n"
        "On doit t'expliquer ce qui se passe dans une langue que tu comprends. "
        "Tu peux demander un interprète.\n"
        "Tu peux demander à un juge de vérifier si tu peux rentrer chez toi.\n"
        "Personne n'a le droit de te faire du mal. Si tu es malade, tu dois voir un médecin.",
        "rights.open": "Tu as le droit d'avoir un avocat, gratuit si tu ne peux pas payer.\n"
        "Tu as le droit de dire ce que tu penses, et le tribunal doit t'écouter.\n"
        "Un parent ou un autre adulte de confiance peut être avec toi.\n"
        "On doit t'expliquer ce qui se passe dans une langue que tu comprends.\n"
        "Ton nom et ta photo ne doivent pas être rendus publics.",
        "rights.closed": "Ton nom et ta photo ne doivent pas être rendus publics.\n"
        "Tu peux demander à ton avocat ce que la décision veut dire pour toi, et si elle peut être changée.",
        "programmes": "Les programmes qu'on t'a proposés",
        "programme.who": "C'est organisé par {provider}.",
        "programme.type.restorative_justice_conference": "Avec une personne formée pour ça, tu rencontres les "
        "personnes touchées par ce qui s'est passé, et vous décidez ensemble comment réparer.",
        "programme.type.victim_offender_mediation": "Une personne formée pour ça vous aide, toi et la personne "
        "touchée par ce qui s'est passé, à vous parler si vous le voulez tous les deux, et à vous mettre d'accord "
        "pour réparer.",
        "programme.type.family_group_conference": "Toi, ta famille et des personnes qui te soutiennent, vous vous "
        "réunissez pour faire ensemble un plan pour la suite.",
        "programme.type.mentoring": "Tu vois souvent un adulte, un mentor, qui t'écoute et t'aide pour l'école, "
        "le travail ou d'autres choses importantes pour toi.",
        "programme.type.counselling_therapy": "Tu parles souvent avec une personne formée pour aider quand on a "
        "des soucis ou des choses difficiles à vivre.",
        "programme.type.education_vocational": "Tu suis des cours ou une formation pour apprendre des choses pour "
        "l'école ou pour un métier.",
        "programme.type.community_service": "Tu fais un travail utile pendant quelques heures pour aider ta ville "
        "ou ton quartier.",
        "programme.type.supervision": "Tu vois souvent un éducateur, qui regarde comment ça va pour toi et t'aide à "
        "respecter ce qui a été décidé.",
        "programme.type.bail_support": "Tu peux vivre chez toi ou dans un autre endroit sûr pendant ton affaire. "
        "Quelqu'un t'aide à respecter les règles et à venir aux rendez-vous du tribunal.",
        "programme.type.reporting_centre": "Tu vas dans un centre dans la journée ou le soir, où il y a des "
        "activités et des adultes pour t'aider.",
        "programme.type.home_based_supervision": "Tu restes chez toi, et quelqu'un vient te voir ou t'appelle "
        "souvent pour savoir comment ça va et pour t'aider.",
        "programme.type.foster_shelter_placement": "Tu vis pendant un temps dans une autre famille ou dans un "
        "foyer pour jeunes, où des adultes s'occupent de toi.",
        "programme.type.other": "Demande à ton avocat de t'expliquer ce que ce programme demande.",
        "programme.state.offered": "On t'a proposé une place. Tu peux réfléchir et poser des questions avant de "
        "répondre.",
        "programme.state.accepted": "Tu as dit oui. Ça n'a pas encore commencé.",
        "programme.state.declined": "Cette place n'a pas été prise.",
        "programme.state.started": "Tu as commencé.",
        "programme.state.completed": "Tu l'as terminé.",
        "programme.state.failed": "Ça s'est arrêté avant la fin. Ton avocat peut t'expliquer ce que ça veut dire "
        "pour toi.",
        "programme.state.closed": "Ce n'est plus en cours.",
        "programme.consent": "Tu peux dire oui ou non. Personne ne peut t'obliger à participer.",
        "programme.parent": "Un de tes parents, ou l'adulte qui s'occupe de toi, doit être d'accord aussi.",
        "programme.acknowledgement": "On te demandera si tu reconnais ta part dans ce qui s'est passé. Ce n'est pas "
        "la même chose qu'une décision du tribunal. Parles-en d'abord à ton avocat.",
        "programme.cost.free": "C'est gratuit pour ta famille.",
        "programme.cost.contribution": "On peut demander à ta famille de payer un peu, mais pas si elle ne peut pas.",
        "programme.cost.fee": "Ta famille devra peut-être payer. Demande à ton avocat.",
        "programme.full": "En ce moment, toutes les places sont prises : tu devras peut-être attendre.",
        "programme.wait": "En ce moment, toutes les places sont prises : tu devras peut-être attendre environ "
        "{days} jours.",
    },
    "es": {
        "title": "Lo que pasa en tu caso",
        "page": "Página",
        "of": "de",
        "hello": "Hola, {name}.",
        "intro": "Este papel te cuenta con palabras sencillas qué ha pasado en tu caso y qué va a pasar después. "
        "Si algo no está claro, pregúntale a tu abogado. Puedes preguntar todas las veces que quieras.",
        "now": "Dónde estás ahora",
        "held": "Ahora estás en {place}. Estás allí desde el {date}.",
        "held_days": "Contando todo el tiempo que te han retenido, son {days} días.",
        "free": "Ahora no estás detenido.",
        "closed": "Tu caso está cerrado.",
        "so_far": "Qué ha pasado hasta ahora",
        "next": "¿Qué pasa después?",
        "nothing_next": "Todavía no hay nada previsto. Tu abogado te dirá cuando se decida algo.",
        "lawyer": "Tu abogado",
        "lawyer_is": "Tu abogado se llama {name}. Puedes escribirle a {email}.",
        "no_lawyer": "Todavía no hay ningún abogado anotado para ti. Tienes derecho a un abogado: "
        "pídelo al tribunal o a los adultos que te cuidan.",
        "lawyer_help": "Tu abogado está de tu lado. Lo que le cuentas es secreto.",
        "rights": "Tus derechos ahora",
        "other_ways": "Otros caminos en lugar del tribunal o la detención",
        "other_way": "{date}: algunas personas buscaron otros caminos para tu caso. {outcome}",
        "made": "Este papel se hizo el {date}. Número del caso: {ref}.",
        "place_unknown": "un lugar que no está anotado",
        "outcome.diverted": "Dijeron que sí: tu caso sigue otro camino, sin pasar por el tribunal.",
        "outcome.not_diverted": "Decidieron que tu caso sigue en el tribunal por ahora.",
        "outcome.deferred": "Todavía no lo han decidido.",
        "step.breach": "Un plazo que pone la ley en tu caso ya ha pasado. "
        "Tu abogado puede pedir al tribunal que actúe.",
        "step.hearing": "{date}: vas al tribunal.",
        "step.see_judge": "Antes del {date}: te tienen que llevar ante un juez u otra autoridad.",
        "step.custody_limit": "{date}: la ley dice que no te pueden retener más tiempo.",
        "step.review": "Antes del {date}: un juez tiene que revisar otra vez si debes seguir donde estás.",
        "step.release": "Antes del {date}: te tienen que dejar salir, salvo que un juez decida otra cosa.",
        "step.parent": "Antes del {date}: tienen que avisar a tu familia o a otro adulto de confianza.",
        "step.lawyer": "Antes del {date}: tienes que tener un abogado.",
        "step.decision": "Antes del {date}: tu caso debería estar decidido.",
        "step.other": "{date}: termina un plazo de tu caso. Tu abogado te lo puede explicar.",
        "event.apprehended": "{date}: la policía te llevó a {place}.",
        "event.parent_notified": "{date}: avisaron a tu familia o a otro adulto de confianza.",
        "event.lawyer_assigned": "{date}: te dieron un abogado para ayudarte.",
        "event.social_worker_notified": "{date}: avisaron a un trabajador social sobre tu caso.",
        "event.brought_before_authority": "{date}: viste a un juez u otra autoridad.",
        "event.custody_extended": "{date}: te retuvieron más tiempo, con permiso de una autoridad.",
        "event.limit_extended": "{date}: alargaron el tiempo para un paso de tu caso.",
        "event.released": "{date}: te dejaron salir.",
        "event.diversion_considered": "{date}: algunas personas buscaron otros caminos para tu caso.",
        "event.charged": "{date}: el caso empezó de forma oficial.",
        "event.pretrial_detention_ordered": "{date}: un juez decidió que te quedes en {place} mientras sigue tu caso.",
        "event.detention_reviewed": "{date}: un juez revisó si tenías que seguir donde estás.",
        "event.transferred": "{date}: te llevaron a {place}.",
        "event.hearing_scheduled": "{date}: eligieron un día para que vayas al tribunal.",
        "event.hearing_held": "{date}: fuiste al tribunal.",
        "event.hearing_adjourned": "{date}: la cita en el tribunal se cambió a otro día.",
        "event.child_heard": "{date}: le dijiste al tribunal lo que piensas.",
        "event.adjudicated": "{date}: el tribunal decidió sobre lo que pasó.",
        "event.proceedings_terminated": "{date}: el caso se paró.",
        "event.sentenced": "{date}: el tribunal decidió qué pasa contigo ahora.",
        "event.appeal_filed": "{date}: pidieron a otro tribunal que revise la decisión.",
        "event.appeal_decided": "{date}: el otro tribunal dio su respuesta.",
        "event.aftercare_started": "{date}: empezó una ayuda para tu vida después del caso.",
        "event.case_closed": "{date}: tu caso se cerró.",
        "rights.custody": "Tienes derecho a ver a tu abogado y a hablar con él.\n"
        "Tienes derecho a contactar a tu familia.\n"
        "Tienen que mantenerte separado de los adultos.\n"
        "Te tienen que explicar lo que pasa en un idioma que entiendas. Puedes pedir un intérprete.\n"
        "Puedes pedir a un juez que revise si puedes volver a casa.\n"
        "Nadie puede hacerte daño. Si estás enfermo, te tiene que ver un médico.",
        "rights.open": "Tienes derecho a un abogado, gratis si no puedes pagar.\n"
        "Tienes derecho a decir lo que piensas, y el tribunal tiene que escucharte.\n"
        "Tu madre, tu padre u otro adulto de confianza puede estar contigo.\n"
        "Te tienen que explicar lo que pasa en un idioma que entiendas.\n"
        "Tu nombre y tu foto no se pueden hacer públicos.",
        "rights.closed": "Tu nombre y tu foto no se pueden hacer públicos.\n"
        "Puedes preguntar a tu abogado qué significa la decisión para ti y si se puede cambiar.",
        "programmes": "Los programas que te ofrecieron",
        "programme.who": "Lo organiza {provider}.",
        "programme.type.restorative_justice_conference": "Con una persona preparada para ayudar, te reúnes con las "
        "personas afectadas por lo que pasó, y juntos acuerdan cómo arreglar las cosas.",
        "programme.type.victim_offender_mediation": "Una persona preparada les ayuda a ti y a la persona afectada "
        "por lo que pasó a hablar, si los dos quieren, y a ponerse de acuerdo para arreglar las cosas.",
        "programme.type.family_group_conference": "Tú, tu familia y personas que te apoyan se reúnen para hacer "
        "juntos un plan para lo que viene.",
        "programme.type.mentoring": "Te ves a menudo con un adulto, un mentor, que te escucha y te ayuda con la "
        "escuela, el trabajo u otras cosas importantes para ti.",
        "programme.type.counselling_therapy": "Hablas a menudo con una persona preparada para ayudar con los "
        "sentimientos, las preocupaciones o las cosas difíciles.",
        "programme.type.education_vocational": "Vas a clases o a un curso para aprender cosas para la escuela o "
        "para un trabajo.",
        "programme.type.community_service": "Haces un trabajo útil durante algunas horas para ayudar a tu ciudad o "
        "a tu barrio.",
        "programme.type.supervision": "Te ves a menudo con un trabajador social, que ve cómo estás y te ayuda a "
        "cumplir lo que se acordó.",
        "programme.type.bail_support": "Puedes vivir en casa o en otro lugar seguro mientras sigue tu caso. "
        "Alguien te ayuda a cumplir las reglas y a ir a tus citas en el tribunal.",
        "programme.type.reporting_centre": "Vas a un centro durante el día o por la tarde, donde hay actividades y "
        "adultos que te ayudan.",
        "programme.type.home_based_supervision": "Te quedas en casa, y alguien te visita o te llama a menudo para "
        "ver cómo estás y ayudarte.",
        "programme.type.foster_shelter_placement": "Vives durante un tiempo con otra familia o en una casa para "
        "jóvenes, donde unos adultos te cuidan.",
        "programme.type.other": "Pide a tu abogado que te explique en qué consiste este programa.",
        "programme.state.offered": "Te ofrecieron una plaza. Puedes pensarlo y hacer preguntas antes de responder.",
        "programme.state.accepted": "Dijiste que sí. Todavía no ha empezado.",
        "programme.state.declined": "Esta plaza no se tomó.",
        "programme.state.started": "Ya empezaste.",
        "programme.state.completed": "Lo terminaste.",
        "programme.state.failed": "Se paró antes del final. Tu abogado te puede explicar qué significa para ti.",
        "programme.state.closed": "Esto ya no sigue.",
        "programme.consent": "Puedes decir que sí o que no. Nadie te puede obligar a participar.",
        "programme.parent": "Tu madre, tu padre o el adulto que te cuida también tiene que estar de acuerdo.",
        "programme.acknowledgement": "Te preguntarán si aceptas tu parte en lo que pasó. No es lo mismo que una "
        "decisión del tribunal. Habla antes con tu abogado.",
        "programme.cost.free": "Es gratis para tu familia.",
        "programme.cost.contribution": "Pueden pedir a tu familia que pague un poco, pero no si no puede.",
        "programme.cost.fee": "Puede que tu familia tenga que pagar. Pregúntale a tu abogado.",
        "programme.full": "Ahora todas las plazas están ocupadas, así que puede que tengas que esperar.",
        "programme.wait": "Ahora todas las plazas están ocupadas: puede que tengas que esperar unos {days} días.",
    },
}

# Which plain sentence a limit gets, from the events that meet it.
STEP_BY_EVENT = (
    ("brought_before_authority", "see_judge"),
    ("detention_reviewed", "review"),
    ("released", "release"),
    ("parent_notified", "parent"),
    ("lawyer_assigned", "lawyer"),
    ("adjudicated", "decision"),
    ("sentenced", "decision"),
    ("proceedings_terminated", "decision"),
    ("hearing_held", "decision"),
)


@dataclass(frozen=True)
class Offered:
    """A programme offered to the child: its name and, in plain words, what it involves and where the child stands."""

    name: str
    paragraphs: list[str]


@dataclass(frozen=True)
class ChildSummary:
    lang: str
    text: dict[str, str]
    hello: str
    now: list[str]
    so_far: list[str]
    next: list[str]
    lawyers: list[str]
    rights: list[str]
    other_ways: list[str]
    programmes: list[Offered]
    made: str


def choose_language(requested: str | None, languages: list[str] | None) -> str:
    if requested in LANGUAGES:
        return requested  # type: ignore[return-value]
    for code in languages or []:
        base = str(code).lower().split("-")[0]
        if base in LANGUAGES:
            return base
    return "en"


class _Words:
    def __init__(self, lang: str, tz_name: str) -> None:
        self.lang, self.text, self.zone = lang, TEXT[lang], ZoneInfo(tz_name)

    def __call__(self, key: str, **values: object) -> str:
        return self.text[key].format(**values)

    def day(self, moment: datetime) -> str:
        return format_date(moment.astimezone(self.zone).date(), "long", locale=self.lang)

    def when(self, moment: datetime) -> str:
        return format_datetime(moment.astimezone(self.zone), DATE_TIME[self.lang], locale=self.lang)


def _step_key(doc: CaseDocument, step: NextStep) -> str:
    if step.kind != "deadline" or step.deadline is None:
        return step.kind
    pack = pack_for(doc.case.jurisdiction_code)
    rule = pack.rule(step.deadline.rule_id) if pack else None
    if rule is None:
        return "other"
    if rule.kind is Kind.MAXIMUM_DURATION:
        return "custody_limit"
    met_by = {m.event for m in rule.met_by}
    return next((key for event, key in STEP_BY_EVENT if event in met_by), "other")


def _lines(block: str) -> list[str]:
    return [line for line in block.split("\n") if line]


def _offered(w: _Words, referral: ReferralRecord) -> Offered:
    """What the programme is and asks, and where the child stands with it; never the reasons professionals gave."""
    offer = referral.programme
    kind = offer.type if f"programme.type.{offer.type}" in w.text else "other"
    involves = [w(f"programme.type.{kind}")]
    if offer.provider:
        involves.append(w("programme.who", provider=offer.provider))
    standing = [w.text.get(f"programme.state.{referral.state}", "")]
    if referral.state == "offered":
        needs = ("consent", "parent", "acknowledgement")
        asked = (offer.requires_child_consent, offer.requires_parent_consent, offer.requires_acknowledgement)
        standing += [w(f"programme.{need}") for need, asks in zip(needs, asked, strict=True) if asks]
        if offer.availability.free == 0:
            days = offer.availability.wait_days
            standing.append(w("programme.wait", days=days) if days else w("programme.full"))
    if referral.state in ("offered", "accepted", "started"):
        standing.append(w.text.get(f"programme.cost.{offer.cost}", ""))
    paragraphs = (" ".join(involves), " ".join(line for line in standing if line))
    return Offered(offer.name, [text for text in paragraphs if text])


def summary(doc: CaseDocument, lang: str) -> ChildSummary:
    w = _Words(lang, doc.tz_name)
    place_unknown = w("place_unknown")
    so_far = []
    for e in doc.events:
        key = f"event.{e.type}"
        if key in w.text:
            place = (e.details or {}).get("facility") or place_unknown
            so_far.append(w(key, date=w.day(e.at), place=place))
    steps = []
    for step in doc.next_steps:
        key = f"step.{_step_key(doc, step)}"
        line = w(key, date=w.when(step.at) if step.at else "")
        # Several passed limits read the same in plain words: say it once.
        if line not in steps:
            steps.append(line)
    if doc.status == "closed":
        now, rights = [w("closed")], _lines(w("rights.closed"))
    elif doc.run is not None:
        place = doc.episodes[-1].facility or place_unknown
        days = doc.total_seconds // 86400
        now = [w("held", place=place, date=w.day(doc.run.start)), w("held_days", days=days)]
        rights = _lines(w("rights.custody"))
    else:
        now, rights = [w("free")], _lines(w("rights.open"))
    lawyers = [w("lawyer_is", name=link.user.display_name, email=link.user.email) for link in doc.case.lawyers]
    lawyers = [*lawyers, w("lawyer_help")] if lawyers else [w("no_lawyer")]
    other_ways = [
        w("other_way", date=w.day(a.at), outcome=w.text.get(f"outcome.{a.outcome}", "")) for a in doc.alternatives
    ]
    return ChildSummary(
        lang=lang,
        text=w.text,
        hello=w("hello", name=doc.case.child.given_name) if doc.identity else "",
        now=now,
        so_far=so_far,
        next=steps or [w("nothing_next")],
        lawyers=lawyers,
        rights=rights,
        other_ways=other_ways,
        programmes=[_offered(w, r) for r in doc.referrals if r.offered],
        made=w("made", date=w.day(doc.generated_at), ref=doc.case.reference),
    )
