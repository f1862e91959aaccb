import QtQuick
import QtQuick.Shapes
import SmartBranch.Views 1.0
import "../qml"

// "Get a debit card". Binds to `flow` (kiosk_ui.flows.card_issuance.CardIssuanceModel) and
// forwards taps; what to show comes from flow.state.
Item {
    id: page
    objectName: "cardIssuancePage"
    property QtObject flow
    readonly property string st: flow ? flow.state : ""
    readonly property string lang: shell.language

    onFlowChanged: if (flow) { flow.attachPage(page); flow.setLanguage(lang) }
    onLangChanged: if (flow) flow.setLanguage(lang)

    // Display modes (Theme, contract 1): 1.0, or 1.4 in large text.
    readonly property real ts: Theme.textScale
    readonly property bool large: ts > 1.01
    // What voice guidance says (contract 2): the step on screen.
    readonly property string guidance: {
        var steps = [intro, identity, passed, idFailed, idTeller, signature, pinStep, device, done, failed]
        for (var i = 0; i < steps.length; i++)
            if (steps[i].visible) return steps[i].guidance
        return ""
    }
    // The footer's Back is offered only where nothing has started (customer_flows.card_session.BACK_STATES).
    readonly property bool showBack: flow ? flow.backAllowed : true

    function words(map) { return map ? (map[lang] || map["en_US"] || "") : "" }

    // What the identity check asks, in the customer's words (identity.prompts.PromptCode:
    // the identity layer sends only the code; every code there has its text here).
    function promptText(code) {
        if (code === "no_card") return qsTr("Hold your ID card up to the camera.")
        if (code === "card_partly_outside") return qsTr("Move the card so all four corners are on the screen.")
        if (code === "card_too_small") return qsTr("Bring the card closer to the camera.")
        if (code === "card_blurred") return qsTr("Hold the card still for a moment.")
        if (code === "card_out_of_focus") return qsTr("The card is not sharp. Move it a little further away.")
        if (code === "card_glare") return qsTr("There is a reflection on the card. Tilt it slightly.")
        if (code === "card_ok") return qsTr("Got it. Thank you.")
        if (code === "card_no_face") return qsTr("We cannot see the photo on the card. Show the side with your photo.")
        if (code === "mrz_invalid") return qsTr("We could not read the card. Please hold it flat and still.")
        if (code === "put_card_away") return qsTr("Thank you. Please put your card away and look at the camera.")
        if (code === "no_face") return qsTr("Please look at the camera.")
        if (code === "face_too_small") return qsTr("Please come a little closer.")
        if (code === "hold_still") return qsTr("Please hold still and look at the camera.")
        if (code === "do_blink") return qsTr("Please blink.")
        if (code === "do_turn_left") return qsTr("Please turn your head slowly to your left.")
        if (code === "do_turn_right") return qsTr("Please turn your head slowly to your right.")
        if (code === "do_smile") return qsTr("Please smile.")
        if (code === "do_nod") return qsTr("Please nod your head slowly: down, then up.")
        if (code === "do_follow_dot") return qsTr("Follow the moving dot with your head.")
        if (code === "try_other") return qsTr("Let's try a different movement.")
        if (code === "well_done") return qsTr("Well done.")
        if (code === "face_front") return qsTr("Well done. Now look straight at the screen again.")
        if (code === "pass") return qsTr("Thank you. Your identity is confirmed.")
        return ""
    }

    // What a camera fault means for the customer (devices.camera.condition).
    function cameraText(code) {
        if (code === "camera_unplugged")
            return qsTr("The camera is not connected. Please ask staff for help.")
        if (code === "camera_frozen")
            return qsTr("The camera picture has stopped. Please wait a moment or ask staff.")
        if (code === "camera_dark")
            return qsTr("The picture is too dark. Please stand in the light or ask staff.")
        return ""
    }

    function failText(code) {
        if (code === "stacker_empty")
            return qsTr("Sorry, this machine has no cards left at the moment.")
        if (code === "not_taken")
            return qsTr("The card was not taken in time, so the machine took it back and locked it away. Nobody can use it.")
        if (code === "bin_full" || code === "jam" || code === "card_in_machine")
            return qsTr("The card machine needs attention from staff.")
        if (code === "card_pulled")
            return qsTr("The card was pulled out too early.")
        if (code === "pin_mismatch")
            return qsTr("The two PINs you typed were not the same, three times. The card was kept safe inside the machine.")
        if (code === "pin_too_simple")
            return qsTr("The PIN was too easy to guess. The card was kept safe inside the machine.")
        if (code === "pin_cancelled")
            return qsTr("You cancelled the PIN. The card was kept safe inside the machine.")
        if (code === "pin_timeout")
            return qsTr("No PIN was typed in time. The card was kept safe inside the machine.")
        if (code === "pinpad")
            return qsTr("The PIN keypad is not working.")
        if (code === "bank_unavailable")
            return qsTr("We cannot reach the bank right now. Nothing was opened in your name.")
        if (code === "bank_unknown_customer")
            return qsTr("The bank has no customer record for this ID card. A teller can open one for you.")
        if (code === "bank_id_expired")
            return qsTr("Your ID card has expired. Please bring a valid ID card.")
        if (code === "bank_name_mismatch")
            return qsTr("The name on your ID card is not the name the bank holds. A teller can check it with you.")
        if (code === "bank_already_holds")
            return qsTr("You already have a debit card with us. A teller can help if it is lost.")
        if (code === "bank_under_age")
            return qsTr("You need to be older to get this card on your own. A teller can help with a parent.")
        if (code === "bank_blocked" || code === "bank_refused")
            return qsTr("The bank cannot issue a card here today. A teller can tell you why.")
        if (code === "evidence")
            return qsTr("Your signature could not be saved, so no card was given. A teller can help you.")
        if (code === "no_camera")
            return qsTr("The camera is not working, so we cannot check your ID here.")
        if (code === "camera_unplugged" || code === "camera_frozen" || code === "camera_dark")
            return page.cameraText(code)
        if (code === "teller_declined")
            return qsTr("The teller could not confirm who you are, so no card was given. Please visit the counter with your ID card.")
        return qsTr("Something went wrong with the card machine.")
    }


    // What went wrong in an identity check, said first (kiosk_core.failures.Failure values).
    function identityFailTitle(code) {
        if (code === "fail_id_timeout") return qsTr("We could not read your ID card.")
        if (code === "fail_no_match") return qsTr("Your face did not match the photo on your ID card.")
        if (code === "fail_face_timeout") return qsTr("We could not see your face clearly.")
        if (code === "fail_timeout") return qsTr("The check took too long: we did not see the movement in time.")
        if (code === "fail_wrong_action") return qsTr("That was not the movement we asked for.")
        if (code === "fail_person_changed") return qsTr("Someone else came in front of the camera.")
        if (code === "fail_not_live") return qsTr("We could not confirm that you are here in person.")
        if (code === "identity_unavailable") return qsTr("The identity check is not working right now.")
        return qsTr("We could not confirm who you are.")
    }
    // What to do differently on the next try.
    function identityFailTip(code) {
        if (code === "fail_id_timeout")
            return qsTr("Hold the ID card flat and still, photo side towards the camera, inside the white frame.")
        if (code === "fail_face_timeout" || code === "fail_no_match")
            return qsTr("Take off a hat or dark glasses, and keep your face inside the white oval.")
        if (code === "fail_timeout" || code === "fail_wrong_action")
            return qsTr("Move your head slowly, as the picture on the screen shows.")
        if (code === "fail_person_changed")
            return qsTr("Please stand alone in front of the camera.")
        return ""
    }

    // How long the customer has to take the card, in words (no racing number).
    function takeWords(s) {
        if (s >= 90) return qsTr("about %1 minutes").arg(Math.round(s / 60))
        if (s >= 45) return qsTr("about a minute")
        return qsTr("about half a minute")
    }

    // The picture of what the identity check asks (icons/head-*.svg, face-*.svg, card-*.svg).
    function promptIcon(phase, code) {
        if (code === "do_turn_left") return "head-left.svg"
        if (code === "do_turn_right") return "head-right.svg"
        if (code === "do_blink") return "face-blink.svg"
        if (code === "do_smile") return "face-smile.svg"
        if (code === "do_nod") return "head-nod.svg"
        if (code === "do_follow_dot") return "head-dot.svg"
        if (phase === "id_capture" || phase === "") return "card-show.svg"
        return "face-look.svg"
    }

    // Chinese: a line may break after punctuation, never inside a phrase (U+2060 WORD
    // JOINER between its characters); a phrase longer than the line still wraps (Text.Wrap).
    function nb(t) {
        if (lang !== "zh_CN" || !t) return t
        return t.replace(/([\u3400-\u9fff0-9])(?=[\u3400-\u9fff0-9])/g, "$1\u2060")
    }

    component Title: Text {
        property string words
        text: page.nb(words)
        width: parent.width
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
        wrapMode: Text.Wrap
    }
    component Body: Text {
        property string words
        text: page.nb(words)
        width: parent.width
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.body }
        wrapMode: Text.Wrap
        lineHeight: 1.15
    }
    component Bullet: Row {
        property string icon
        property string text
        width: parent.width
        spacing: 30
        IconDisc { id: disc; width: 90; icon: parent.icon; color: Theme.blue; anchors.verticalCenter: parent.verticalCenter }
        Text {
            width: parent.width - disc.width - parent.spacing; anchors.verticalCenter: parent.verticalCenter
            text: page.nb(parent.text); color: Theme.ink; wrapMode: Text.Wrap
            font { family: Theme.font; pixelSize: Theme.body; weight: Font.DemiBold }
        }
    }
    // A step of the flow: a scrollable column (large text never clips: it scrolls), with
    // the words voice guidance speaks for it.
    component StepPage: Flickable {
        id: stepPage
        default property alias content: col.data
        property string guidance
        property real topPad: 40
        property alias spacing: col.spacing
        anchors.fill: parent
        contentWidth: width
        contentHeight: col.implicitHeight + topPad + 20
                       + (col.implicitHeight + topPad > height ? Theme.target + 16 : 0)
        interactive: contentHeight > height + 1
        boundsBehavior: Flickable.StopAtBounds
        clip: true
        Column {
            id: col
            x: Theme.margin; y: stepPage.topPad
            width: stepPage.width - 2 * Theme.margin
            spacing: 36
        }
        // When large text does not fit, a plain way down (nobody has to know about scrolling).
        KioskButton {
            objectName: "cardMoreBelow"
            parent: stepPage
            visible: stepPage.interactive && !stepPage.atYEnd
            width: stepPage.width - 2 * Theme.margin
            anchors { bottom: parent.bottom; horizontalCenter: parent.horizontalCenter; bottomMargin: 16 }
            colour: Theme.navy; pressedColour: Theme.navyDeep
            text: qsTr("More below")
            onClicked: stepPage.contentY = stepPage.contentHeight - stepPage.height
        }
    }
    // "Step 2 of 6: Your face" and one segment per step; the filled part is the progress.
    component StepIndicator: Column {
        objectName: "cardStepIndicator"
        visible: flow && flow.step > 0
        width: parent.width
        spacing: 14
        Text {
            objectName: "cardStepText"
            width: parent.width
            wrapMode: Text.Wrap
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: Theme.small; weight: Font.Bold }
            text: flow && flow.step > 0
                  ? qsTr("Step %1 of %2: %3").arg(flow.step).arg(flow.steps).arg(page.stepName(flow.step)) : ""
        }
        Row {
            objectName: "cardStepBar"
            width: parent.width
            spacing: 12
            Repeater {
                model: flow ? flow.steps : 0
                Rectangle {
                    width: (parent.width - (flow.steps - 1) * 12) / flow.steps
                    // The current step stands out by its size too, not by colour alone.
                    height: index === flow.step - 1 ? 32 : 22; radius: height / 2
                    anchors.verticalCenter: parent.verticalCenter
                    color: index < flow.step - 1 ? Theme.teal : index === flow.step - 1 ? Theme.blue : Theme.card
                    border { width: 3; color: index < flow.step ? color : Theme.inkSoft }
                }
            }
        }
    }

    function stepName(n) {
        return [qsTr("Your ID card"), qsTr("Your face"), qsTr("Sign"), qsTr("Choose a PIN"),
                qsTr("Take your card"), qsTr("Finished")][n - 1] || ""
    }

    // -- 1. what you need, consent --------------------------------------------------------
    StepPage {
        id: intro
        objectName: "cardIntro"
        visible: page.st === "intro"
        topPad: flow && flow.products.length > 1 ? 20 : 50
        spacing: flow && flow.products.length > 1 ? 22 : 40
        guidance: qsTr("Get a debit card. It takes about 3 minutes and you need your ID card. To start, press: I agree, let's start.")
        Title { words: qsTr("Get a debit card") }
        // Several products configured ([card_issuance] products): the customer picks one.
        Body {
            visible: flow && flow.products.length > 1
            words: qsTr("Which one would you like?")
            font.weight: Font.Bold
        }
        Repeater {
            model: flow && flow.products.length > 1 ? flow.products : []
            KioskButton {
                objectName: "card_product_" + modelData.id
                width: parent.width
                outline: !(flow && flow.product === modelData.id)
                colour: Theme.blue
                icon: flow && flow.product === modelData.id ? "check.svg" : ""
                text: page.words(modelData.name)
                onClicked: flow.chooseProduct(modelData.id)
            }
        }
        Body { words: qsTr("It takes about 3 minutes. You will need:"); color: Theme.inkSoft }
        Bullet { icon: "card.svg"; text: qsTr("Your ID card") }
        Bullet { icon: "touch.svg"; text: qsTr("To look at the camera and do what the screen asks") }
        Bullet { icon: "check.svg"; text: qsTr("To sign with your finger and choose a PIN on the keypad") }
        Rectangle {
            width: parent.width; height: consent.implicitHeight + 44
            radius: Theme.radius; color: Theme.card; border { width: 2; color: Theme.line }
            Text {
                id: consent
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 30 }
                text: page.nb(qsTr("The bank will photograph your ID card and your face to check that the card is yours. The pictures are encrypted and deleted when you finish."))
                color: Theme.inkSoft; wrapMode: Text.Wrap
                font { family: Theme.font; pixelSize: Theme.small }
            }
        }
        KioskButton {
            objectName: "card_accept"
            width: parent.width
            icon: "check.svg"
            text: qsTr("I agree, let's start")
            onClicked: flow.accept()
        }
    }

    // -- 2. identity: ID card, face, liveness -----------------------------------------------
    StepPage {
        id: identity
        objectName: "cardIdentity"
        visible: page.st === "identity"
        topPad: 30
        spacing: 26
        readonly property string ph: flow ? flow.phase : ""
        readonly property bool idPhase: ph === "" || ph === "id_capture"
        guidance: page.cameraText(flow ? flow.promptCode : "")
                  || (idPhase ? qsTr("Hold your ID card up to the camera, photo side towards it, inside the white frame on the screen.")
                      : ph === "liveness" && page.promptText(flow ? flow.promptCode : "") !== ""
                      ? qsTr("Do what the screen asks: %1").arg(page.promptText(flow.promptCode))
                      : qsTr("Look at the camera and keep your face inside the white oval."))
        StepIndicator { id: idStep }
        Title {
            id: idTitle
            objectName: "identityTitle"
            words: flow && flow.phase === "liveness" && flow.promptCode !== "hold_still"
                  ? qsTr("Follow the instructions")
                : !identity.idPhase ? qsTr("Look at the camera")
                : qsTr("Hold your ID card up to the camera")
        }
        Rectangle {
            id: camBox
            // As big as the screen leaves room for (the words come first).
            width: parent.width
            height: Math.round(Math.max(300, Math.min(width * 0.72,
                        identity.height - identity.topPad - 24 - idStep.height - idTitle.height
                        - promptBox.height - 3 * identity.spacing)))
            radius: Theme.radius; color: Theme.navyDeep; clip: true
            Image {
                objectName: "cameraPreview"
                anchors.fill: parent
                source: flow ? flow.frameUrl : ""
                cache: false
                // Frames are converted on Qt's image reader thread, not the GUI thread;
                // the previous frame stays up until the next one is ready.
                asynchronous: true
                retainWhileLoading: true
                // Not mirrored: a mirrored ID card would read backwards, and flipping the
                // picture between the card and the face would confuse more than it helps.
                mirror: false
                fillMode: Image.PreserveAspectCrop
            }
            Text {
                visible: !flow || flow.frameUrl === ""
                anchors { bottom: parent.bottom; bottomMargin: 24; horizontalCenter: parent.horizontalCenter }
                text: qsTr("Starting the camera…")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.body }
            }
            // Where to hold the ID card: an ID-1 card's shape (85.6 × 54 mm).
            Rectangle {
                objectName: "idOutline"
                visible: identity.idPhase
                anchors.centerIn: parent
                width: parent.width * 0.66; height: width * 54 / 85.6
                radius: 28; color: "transparent"
                border { width: 8; color: Theme.onDark }
            }
            // Where the face goes: an oval.
            Shape {
                id: oval
                objectName: "faceOval"
                visible: !identity.idPhase
                anchors.centerIn: parent
                width: height * 0.74; height: parent.height * 0.84
                preferredRendererType: Shape.CurveRenderer
                ShapePath {
                    strokeColor: Theme.onDark; strokeWidth: 8; fillColor: "transparent"
                    PathAngleArc {
                        centerX: oval.width / 2; centerY: oval.height / 2
                        radiusX: oval.width / 2 - 5; radiusY: oval.height / 2 - 5
                        startAngle: 0; sweepAngle: 360
                    }
                }
            }
            // follow_dot: the moving dot the customer follows with their head.
            FollowDot {
                shown: !!flow && flow.phase === "liveness" && flow.dotShown
                dotX: flow ? flow.dotX : 0.5
                dotY: flow ? flow.dotY : 0.5
            }
            // Which movement this is, where the customer is looking.
            Rectangle {
                visible: flow && flow.phase === "liveness" && flow.challenges > 0
                anchors { top: parent.top; right: parent.right; margins: 24 }
                width: moveText.implicitWidth + 48; height: moveText.implicitHeight + 24; radius: height / 2
                color: Theme.navy
                Text {
                    id: moveText
                    anchors.centerIn: parent
                    text: flow ? qsTr("Movement %1 of %2").arg(flow.challenge).arg(flow.challenges) : ""
                    color: Theme.onDark
                    font { family: Theme.font; pixelSize: Theme.small; weight: Font.Bold }
                }
            }
        }
        Rectangle {
            id: promptBox
            width: parent.width; height: Math.max(promptIconDisc.width + 40, promptText.implicitHeight + 50)
            radius: Theme.radius; color: Theme.navy
            IconDisc {
                id: promptIconDisc
                objectName: "identityPicture"
                property string code: flow ? flow.promptCode : ""
                width: Math.round(150 * page.ts); iconScale: 0.72
                anchors { left: parent.left; leftMargin: 24; verticalCenter: parent.verticalCenter }
                color: Theme.blue
                icon: page.promptIcon(flow ? flow.phase : "", code)
            }
            Text {
                id: promptText
                objectName: "identityPrompt"
                anchors { left: promptIconDisc.right; right: parent.right; leftMargin: 30; rightMargin: 30; verticalCenter: parent.verticalCenter }
                readonly property string raw: page.cameraText(flow ? flow.promptCode : "")
                      || page.promptText(flow ? flow.promptCode : "") || qsTr("Please wait a moment…")
                // A short Chinese instruction (one phrase) stays on one line, a little smaller
                // if it must, rather than breaking inside a word.
                readonly property bool oneLine: page.lang === "zh_CN" && !/[，、：；]/.test(raw)
                text: page.nb(raw)
                color: Theme.onDark; wrapMode: oneLine ? Text.NoWrap : Text.Wrap
                fontSizeMode: oneLine ? Text.HorizontalFit : Text.FixedSize
                minimumPixelSize: Theme.small
                font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
            }
        }
    }

    // -- 3. result of the identity check --------------------------------------------------
    StepPage {
        id: passed
        objectName: "cardIdentityPassed"
        visible: page.st === "identity_passed"
        spacing: 44
        guidance: qsTr("Your identity is confirmed. Press Continue to sign the card agreement.")
        StepIndicator {}
        IconDisc { width: 200; icon: "check.svg"; color: Theme.teal; anchors.horizontalCenter: parent.horizontalCenter }
        Title { words: qsTr("Identity confirmed"); horizontalAlignment: Text.AlignHCenter }
        Body { words: page.promptText("pass"); horizontalAlignment: Text.AlignHCenter }
        Body { words: qsTr("Next, please sign the card agreement."); horizontalAlignment: Text.AlignHCenter; color: Theme.inkSoft }
        KioskButton {
            objectName: "card_continue"
            width: parent.width
            text: qsTr("Continue")
            onClicked: flow.toSignature()
        }
    }

    // What happened first, then what to do: try again (once), or the teller (the footer's
    // button: offered once, not twice).
    StepPage {
        id: idFailed
        objectName: "cardIdentityFailed"
        visible: page.st === "identity_failed"
        spacing: 40
        readonly property string code: flow ? flow.reason : ""
        readonly property bool noStaff: flow ? flow.tellerUnreachable : false
        guidance: page.identityFailTitle(code) + " "
                  + (noStaff ? qsTr("No member of staff could be reached on video just now.") + " " : "")
                  + (flow && flow.canRetry ? qsTr("You can press Try again, or call a teller.")
                                           : qsTr("Please press Call a teller. A teller will help you get your card."))
        StepIndicator {}
        Title {
            objectName: "identityReason"
            words: page.identityFailTitle(idFailed.code)
        }
        // The check was sent to a video teller, but nobody could be reached: said plainly.
        Body {
            objectName: "identityNoStaff"
            visible: idFailed.noStaff
            words: qsTr("No member of staff could be reached on video just now.")
        }
        Body {
            objectName: "identityTip"
            visible: text !== "" && flow && flow.canRetry
            words: page.identityFailTip(idFailed.code)
        }
        Body {
            words: flow && flow.canRetry ? qsTr("You can try once more. Nothing has been opened in your name.")
                                        : qsTr("Please press Call a teller below. A teller will help you get your card.")
            color: Theme.inkSoft
        }
        KioskButton {
            objectName: "card_retry"
            visible: flow && flow.canRetry
            width: parent.width
            text: qsTr("Try again")
            onClicked: flow.retry()
        }
    }

    // A borderline check (customer_flows.borderline_teller): the kiosk calls a member of
    // staff, who checks the ID with the customer on video. No refusal, nothing to press.
    StepPage {
        id: idTeller
        objectName: "cardIdentityTeller"
        visible: page.st === "identity_borderline"
        spacing: 44
        guidance: qsTr("A member of staff will check your ID with you on video. Please wait.")
        StepIndicator {}
        IconDisc { width: 200; icon: "teller.svg"; color: Theme.blue; anchors.horizontalCenter: parent.horizontalCenter }
        Title {
            objectName: "identityTellerTitle"
            words: qsTr("A member of staff will check your ID with you on video.")
            horizontalAlignment: Text.AlignHCenter
        }
        Body {
            words: qsTr("Please wait. Stay in front of the screen with your ID card.")
            horizontalAlignment: Text.AlignHCenter
        }
        Body {
            words: qsTr("Nothing has been opened in your name.")
            horizontalAlignment: Text.AlignHCenter; color: Theme.inkSoft
        }
    }

    // -- 4. e-signature --------------------------------------------------------------------
    StepPage {
        id: signature
        objectName: "cardSignature"
        visible: page.st === "signature"
        topPad: 30
        spacing: 20
        // The signature pad is dragged on: the page itself never scrolls.
        interactive: false
        guidance: qsTr("Read the card agreement. Then sign your name with your finger in the white box, and press Confirm signature.")
        StepIndicator { id: sigStep }
        Title { id: sigTitle; words: qsTr("Read and sign the agreement") }
        // The agreement exactly as it is signed (its bytes' SHA-256 goes into the record).
        Rectangle {
            width: parent.width
            height: Math.max(240, signature.height - signature.topPad - 40 - sigStep.height - sigTitle.height - pad.height - sigButtons.height
                                  - (hint.visible ? hint.height + 20 : 0) - 4 * 20 - 20)
            radius: Theme.radius; color: Theme.card
            border { width: 2; color: Theme.line }
            Flickable {
                id: terms
                objectName: "cardTerms"
                anchors { fill: parent; margins: 24 }
                contentHeight: termsBody.height
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                Text {
                    id: termsBody
                    width: terms.width - 20
                    // The same words as signed; in Chinese only the line breaks differ
                    // (WORD JOINERs are invisible).
                    text: flow ? page.nb(flow.termsText) : ""
                    textFormat: Text.MarkdownText
                    wrapMode: Text.Wrap
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.small }
                }
            }
            // A wide scroll bar an unsteady finger can drag.
            Rectangle {
                visible: terms.contentHeight > terms.height
                anchors { right: parent.right; rightMargin: 6 }
                y: 24 + (terms.height - height) * (terms.contentY / Math.max(1, terms.contentHeight - terms.height))
                width: 14; radius: 7; height: Math.max(80, terms.height * terms.height / Math.max(1, terms.contentHeight))
                color: Theme.blue
            }
        }
        SignaturePad {
            id: pad
            objectName: "signaturePad"
            width: parent.width; height: page.large ? 320 : 440
        }
        Text {
            id: hint
            objectName: "signatureHint"
            visible: false
            width: parent.width
            text: page.nb(qsTr("Please sign your name in the box."))
            color: Theme.warnInk; wrapMode: Text.Wrap
            font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
        }
        Row {
            id: sigButtons
            width: parent.width
            spacing: Theme.gap
            KioskButton {
                id: clearButton
                objectName: "card_clear"
                width: Math.max(260, implicitWidth); outline: true; colour: Theme.navy
                text: qsTr("Clear")
                onClicked: { pad.clear(); hint.visible = false }
            }
            KioskButton {
                objectName: "card_sign"
                width: parent.width - clearButton.width - parent.spacing
                icon: page.large ? "" : "check.svg"
                text: qsTr("Confirm signature")
                onClicked: {
                    var ok = flow.sign(pad.strokes, pad.width, pad.height)
                    hint.visible = !ok
                }
            }
        }
    }

    // -- 4b. the PIN, on the encrypting PIN pad ---------------------------------------------
    // The screen never sees a digit: one dot per key pressed on the pad.
    StepPage {
        id: pinStep
        objectName: "cardPin"
        visible: page.st === "pin"
        spacing: page.large ? 30 : 44
        guidance: flow && flow.pinConfirm
                  ? qsTr("Type the same 6-digit PIN again on the keypad, then press the green Enter key.")
                  : qsTr("Choose a 6-digit PIN on the keypad below the screen, then press the green Enter key. To stop, press Cancel.")
        StepIndicator {}
        IconDisc { visible: !page.large; width: 180; icon: "card.svg"; color: Theme.blue; anchors.horizontalCenter: parent.horizontalCenter }
        Title {
            objectName: "pinTitle"
            horizontalAlignment: Text.AlignHCenter
            words: flow && flow.pinConfirm ? qsTr("Type the same PIN again")
                                          : qsTr("Choose a 6-digit PIN on the keypad")
        }
        Rectangle {
            objectName: "pinRetry"
            visible: flow && flow.pinRetryReason !== "" && !flow.pinConfirm
            width: parent.width; height: pinRetryText.implicitHeight + 50
            radius: Theme.radius; color: Theme.warnBg
            Text {
                id: pinRetryText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 25 }
                wrapMode: Text.Wrap
                color: Theme.warnInk
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
                text: page.nb(flow && flow.pinRetryReason === "pin_too_simple"
                      ? qsTr("That PIN is too easy to guess. Please choose another one.")
                      : qsTr("The two PINs were not the same. Please start again."))
            }
        }
        Row {
            objectName: "pinDots"
            spacing: 36
            anchors.horizontalCenter: parent.horizontalCenter
            Repeater {
                model: 6
                Rectangle {
                    width: 72; height: 72; radius: 36
                    color: flow && index < flow.pinDigits ? Theme.navy : "transparent"
                    border { width: 5; color: Theme.navy }
                }
            }
        }
        Body {
            horizontalAlignment: Text.AlignHCenter
            words: qsTr("Cover the keypad with your other hand. Press the green Enter key when you have typed 6 digits. The yellow key clears.")
        }
        KioskButton {
            objectName: "card_pin_cancel"
            width: parent.width; outline: true; colour: Theme.navy
            text: qsTr("Cancel")
            onClicked: flow.cancelPin()
        }
    }

    // -- 5. card, receipt -------------------------------------------------------------------
    StepPage {
        id: device
        objectName: "cardDevice"
        visible: ["preparing", "dispensing", "take_card", "printing"].indexOf(page.st) >= 0
        readonly property bool take: page.st === "take_card"
        spacing: 40
        guidance: take ? qsTr("Please take your card from the card slot at the bottom right of the machine, below the screen.")
                : page.st === "printing" ? qsTr("Please wait. Your receipt is printing.")
                : qsTr("Please wait. Your card is being prepared.")
        StepIndicator { id: devStep }
        IconDisc {
            visible: !device.take
            width: page.large ? 170 : 220; anchors.horizontalCenter: parent.horizontalCenter
            icon: page.st === "printing" ? "check.svg" : "card.svg"
            color: Theme.blue
        }
        Title {
            id: devTitle
            objectName: "deviceTitle"
            horizontalAlignment: Text.AlignHCenter
            words: device.take ? qsTr("Please take your card")
                : page.st === "printing" ? qsTr("Printing your receipt…")
                : qsTr("Preparing your card…")
        }
        Body {
            id: devText
            objectName: "deviceText"
            horizontalAlignment: Text.AlignHCenter
            font.weight: device.take ? Font.Bold : Font.Normal
            words: device.take
                  ? qsTr("Your card is in the card slot at the bottom right of the machine, below the screen.")
                  : page.st === "preparing"
                  ? qsTr("The bank is opening your account. Please wait, this takes a few seconds.")
                  : qsTr("Please wait. This takes a few seconds.")
        }
        // A picture of the machine: the screen, and the card slot below it on the right.
        Item {
            objectName: "slotPicture"
            visible: device.take
            width: parent.width; height: 440 * scale
            scale: Math.max(0.5, Math.min(1.0, (device.height - device.topPad - 24 - devStep.height
                            - devTitle.height - devText.height - takeTime.height - 4 * device.spacing) / 440))
            transformOrigin: Item.Top
            Rectangle {
                id: kioskBody
                anchors.horizontalCenter: parent.horizontalCenter
                width: 300; height: 420; radius: 24
                color: Theme.card; border { width: 6; color: Theme.ink }
                Rectangle {  // the screen
                    anchors { top: parent.top; horizontalCenter: parent.horizontalCenter; topMargin: 28 }
                    width: 220; height: 200; radius: 10
                    color: Theme.disabledBg; border { width: 4; color: Theme.ink }
                }
                Rectangle {  // the card slot, with the card coming out
                    id: slot
                    anchors { right: parent.right; bottom: parent.bottom; rightMargin: 34; bottomMargin: 70 }
                    width: 110; height: 18; radius: 9; color: Theme.ink
                    Rectangle {
                        anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.verticalCenter }
                        width: 80; height: 46; radius: 6; color: Theme.teal
                        SequentialAnimation on anchors.bottomMargin {
                            running: device.take; loops: Animation.Infinite
                            NumberAnimation { from: 0; to: 18; duration: 700 } NumberAnimation { from: 18; to: 0; duration: 700 }
                        }
                    }
                }
            }
            // An arrow from the picture down to the right: towards the real slot.
            Shape {
                anchors { left: kioskBody.right; leftMargin: 20; bottom: parent.bottom }
                width: 220; height: 220
                preferredRendererType: Shape.CurveRenderer
                ShapePath {
                    strokeColor: Theme.teal; strokeWidth: 0; fillColor: Theme.teal
                    startX: 20; startY: 60
                    PathLine { x: 60; y: 20 }
                    PathLine { x: 160; y: 120 }
                    PathLine { x: 160; y: 60 }
                    PathLine { x: 210; y: 60 }
                    PathLine { x: 210; y: 210 }
                    PathLine { x: 60; y: 210 }
                    PathLine { x: 60; y: 160 }
                    PathLine { x: 120; y: 160 }
                    PathLine { x: 20; y: 60 }
                }
            }
        }
        Body {
            id: takeTime
            objectName: "takeTime"
            visible: device.take
            horizontalAlignment: Text.AlignHCenter
            words: qsTr("Please take it within %1. After that, the machine keeps it safe inside.")
                  .arg(page.takeWords(flow ? flow.takeTimeout : 30))
        }
    }

    StepPage {
        id: done
        objectName: "cardDone"
        visible: page.st === "done"
        spacing: 36
        guidance: qsTr("Your card is ready.") + " " + receiptText.words + " " + qsTr("Press Finish when you are done.")
        StepIndicator { id: doneStep }
        IconDisc { id: doneIcon; visible: !page.large; width: 170; icon: "check.svg"; color: Theme.teal; anchors.horizontalCenter: parent.horizontalCenter }
        Title { id: doneTitle; words: qsTr("Your card is ready"); horizontalAlignment: Text.AlignHCenter }
        Body {
            id: doneNumber
            horizontalAlignment: Text.AlignHCenter
            words: qsTr("Card number %1").arg(flow ? flow.cardNumber : "")
            font.weight: Font.Bold
        }
        Body {
            id: doneHolder
            objectName: "cardHolder"
            visible: flow && flow.customerName !== ""
            horizontalAlignment: Text.AlignHCenter
            words: qsTr("Card holder %1").arg(flow ? flow.customerName : "")
        }
        Body {
            id: receiptText
            objectName: "receiptText"
            horizontalAlignment: Text.AlignHCenter
            words: !flow ? ""
                : flow.receiptOutcome === "printed_not_cut"
                ? qsTr("Your receipt is printed, but the printer could not cut it. Please tear it off gently. Your card works with the PIN you chose.")
                : flow.receiptPrinted ? qsTr("Please take your receipt. Your card works with the PIN you chose.")
                : flow.receiptOutcome === "partial"
                ? qsTr("The printer stopped part-way. Please ignore any piece of paper that came out. Scan this code with your phone to get your receipt.")
                : qsTr("The printer is not working right now. Scan this code with your phone to get your receipt.")
        }
        Rectangle {
            objectName: "receiptQr"
            visible: flow && !flow.receiptPrinted && flow.receiptUrl !== ""
            // A QR code is read dark on light, in every display mode: its own white, not Theme's.
            width: Math.round(Math.max(260, Math.min(400, done.height - done.topPad - 24
                       - doneStep.height - (doneIcon.visible ? doneIcon.height + done.spacing : 0)
                       - doneTitle.height - doneNumber.height - (doneHolder.visible ? doneHolder.height + done.spacing : 0)
                       - receiptText.height - doneFinish.height - 5 * done.spacing)))
            height: width; color: "white"
            anchors.horizontalCenter: parent.horizontalCenter
            FrameView {
                anchors { fill: parent; margins: 10 }
                smooth: false
                background: "white"
                image: flow ? flow.receiptQrImage : undefined
            }
        }
        KioskButton {
            id: doneFinish
            objectName: "card_finish"
            width: parent.width
            text: qsTr("Finish")
            icon: "home.svg"
            onClicked: flow.finish()
        }
    }

    StepPage {
        id: failed
        objectName: "cardFailed"
        visible: page.st === "failed"
        spacing: 40
        guidance: page.failText(flow ? flow.reason : "") + " " + qsTr("A teller can help you get your card. Press Finish to go back to the menu.")
        IconDisc { width: page.large ? 140 : 180; icon: "card.svg"; color: Theme.amber; anchors.horizontalCenter: parent.horizontalCenter }
        Title { words: qsTr("We could not give you a card"); horizontalAlignment: Text.AlignHCenter }
        Rectangle {
            width: parent.width; height: failWhy.implicitHeight + 70
            radius: Theme.radius; color: Theme.warnBg
            Text {
                id: failWhy
                objectName: "failReason"
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 40 }
                text: page.nb(page.failText(flow ? flow.reason : ""))
                color: Theme.warnInk; wrapMode: Text.Wrap
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.DemiBold }
            }
        }
        Body { words: qsTr("A teller can help you get your card: press Call a teller below."); horizontalAlignment: Text.AlignHCenter }
        KioskButton {
            objectName: "card_back"
            width: parent.width
            icon: "home.svg"
            text: qsTr("Finish")
            onClicked: flow.finish()
        }
    }
}
