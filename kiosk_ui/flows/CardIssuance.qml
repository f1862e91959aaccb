import QtQuick
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

    function words(map) { return map ? (map[lang] || map["en_US"] || "") : "" }

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
        return qsTr("Something went wrong with the card machine.")
    }

    component Title: Text {
        width: parent.width
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
        wrapMode: Text.WordWrap
    }
    component Body: Text {
        width: parent.width
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.body }
        wrapMode: Text.WordWrap
        lineHeight: 1.15
    }
    component Bullet: Row {
        property string icon
        property string text
        spacing: 30
        IconDisc { width: 110; icon: parent.icon; color: Theme.blue; anchors.verticalCenter: parent.verticalCenter }
        Text {
            width: 760; anchors.verticalCenter: parent.verticalCenter
            text: parent.text; color: Theme.ink; wrapMode: Text.WordWrap
            font { family: Theme.font; pixelSize: Theme.body; weight: Font.DemiBold }
        }
    }

    // -- 1. what you need, consent --------------------------------------------------------
    Column {
        objectName: "cardIntro"
        visible: page.st === "intro"
        anchors { fill: parent; margins: Theme.margin; topMargin: flow && flow.products.length > 1 ? 30 : 60 }
        spacing: flow && flow.products.length > 1 ? 22 : 44
        Title { text: qsTr("Get a debit card") }
        // Several products configured ([card_issuance] products): the customer picks one.
        Body {
            visible: flow && flow.products.length > 1
            text: qsTr("Which one would you like?")
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
        Body { text: qsTr("It takes about 3 minutes. You will need:"); color: Theme.inkSoft }
        Bullet { icon: "card.svg"; text: qsTr("Your ID card") }
        Bullet { icon: "touch.svg"; text: qsTr("To look at the camera and do what the screen asks") }
        Bullet { icon: "check.svg"; text: qsTr("To sign with your finger and choose a PIN on the keypad") }
        Rectangle {
            width: parent.width; height: consent.implicitHeight + 60
            radius: Theme.radius; color: Theme.card; border { width: 2; color: Theme.line }
            Text {
                id: consent
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 36 }
                text: qsTr("The bank will photograph your ID card and your face to check that the card is yours. The pictures are encrypted and deleted when you finish.")
                color: Theme.inkSoft; wrapMode: Text.WordWrap
                font { family: Theme.font; pixelSize: Theme.small + 2 }
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
    Column {
        objectName: "cardIdentity"
        visible: page.st === "identity"
        anchors { fill: parent; margins: Theme.margin; topMargin: 40 }
        spacing: 30
        Title {
            objectName: "identityTitle"
            text: flow && flow.phase === "liveness" && flow.promptCode !== "hold_still"
                  ? qsTr("Follow the instructions")
                : flow && flow.phase !== "id_capture" ? qsTr("Look at the camera")
                : qsTr("Hold your ID card up to the camera")
        }
        Rectangle {
            width: parent.width; height: width * 3 / 4
            radius: Theme.radius; color: "#000000"; clip: true
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
                anchors.centerIn: parent
                text: qsTr("Starting the camera…")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.body }
            }
            // The challenge counter sits on the picture, where the customer is looking.
            Rectangle {
                visible: flow && flow.phase === "liveness" && flow.challenges > 0
                anchors { top: parent.top; right: parent.right; margins: 24 }
                width: stepText.implicitWidth + 48; height: 80; radius: 40
                color: Qt.rgba(0, 0, 0, 0.6)
                Text {
                    id: stepText
                    anchors.centerIn: parent
                    text: flow ? qsTr("Step %1 of %2").arg(flow.challenge).arg(flow.challenges) : ""
                    color: Theme.onDark
                    font { family: Theme.font; pixelSize: Theme.small; weight: Font.Bold }
                }
            }
        }
        Rectangle {
            width: parent.width; height: 200
            radius: Theme.radius; color: Theme.navy
            Text {
                objectName: "identityPrompt"
                anchors { fill: parent; margins: 30 }
                horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter
                text: page.words(flow ? flow.prompt : null) || qsTr("Please wait a moment…")
                color: Theme.onDark; wrapMode: Text.WordWrap
                font { family: Theme.font; pixelSize: Theme.heading - 6; weight: Font.Bold }
                fontSizeMode: Text.Fit; minimumPixelSize: Theme.body
            }
        }
        Rectangle {
            width: parent.width; height: 24; radius: 12; color: Theme.line
            Rectangle {
                width: parent.width * (flow ? flow.progress : 0); height: parent.height
                radius: 12; color: Theme.teal
                Behavior on width { NumberAnimation { duration: 300 } }
            }
        }
    }

    // -- 3. result of the identity check --------------------------------------------------
    Column {
        objectName: "cardIdentityPassed"
        visible: page.st === "identity_passed"
        anchors { fill: parent; margins: Theme.margin; topMargin: 140 }
        spacing: 50
        IconDisc { width: 220; icon: "check.svg"; color: Theme.teal; anchors.horizontalCenter: parent.horizontalCenter }
        Title { text: qsTr("Identity confirmed"); horizontalAlignment: Text.AlignHCenter }
        Body { text: page.words(flow ? flow.prompt : null); horizontalAlignment: Text.AlignHCenter }
        Body { text: qsTr("Next, please sign the card agreement."); horizontalAlignment: Text.AlignHCenter; color: Theme.inkSoft }
        KioskButton {
            objectName: "card_continue"
            width: parent.width
            text: qsTr("Continue")
            icon: "chevron.svg"
            onClicked: flow.toSignature()
        }
    }

    Column {
        objectName: "cardIdentityFailed"
        visible: page.st === "identity_failed"
        anchors { fill: parent; margins: Theme.margin; topMargin: 120 }
        spacing: 44
        IconDisc { width: 200; icon: "lock.svg"; color: Theme.amber; anchors.horizontalCenter: parent.horizontalCenter }
        Title { text: qsTr("We could not confirm your identity"); horizontalAlignment: Text.AlignHCenter }
        Rectangle {
            width: parent.width; height: why.implicitHeight + 70
            radius: Theme.radius; color: Theme.warnBg
            Text {
                id: why
                objectName: "identityReason"
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 40 }
                text: page.words(flow ? flow.reasonText : null)
                color: Theme.warnInk; wrapMode: Text.WordWrap
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.DemiBold }
            }
        }
        Body {
            text: flow && flow.canRetry ? qsTr("You can try once more, or ask a teller for help.")
                                        : qsTr("Please ask a teller. They will help you get your card.")
            horizontalAlignment: Text.AlignHCenter
        }
        KioskButton {
            objectName: "card_retry"
            visible: flow && flow.canRetry
            width: parent.width
            text: qsTr("Try again")
            onClicked: flow.retry()
        }
        KioskButton {
            objectName: "card_failed_teller"
            width: parent.width
            icon: "teller.svg"
            colour: Theme.amber; pressedColour: Theme.amberPressed
            text: qsTr("Call a teller")
            onClicked: shell.callTeller()
        }
    }

    // -- 4. e-signature --------------------------------------------------------------------
    Column {
        objectName: "cardSignature"
        visible: page.st === "signature"
        anchors { fill: parent; margins: Theme.margin; topMargin: 40 }
        spacing: 20
        Title { text: qsTr("Read and sign the card agreement") }
        // The agreement exactly as it is signed (its bytes' SHA-256 goes into the record).
        Rectangle {
            width: parent.width; height: 440
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
                    text: flow ? flow.termsText : ""
                    textFormat: Text.MarkdownText
                    wrapMode: Text.WordWrap
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.small + 4 }
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
        Rectangle {
            id: padFrame
            width: parent.width; height: 480
            radius: Theme.radius; color: Theme.card
            border { width: 4; color: Theme.blue }
            Text {
                visible: pad.strokes.length === 0
                anchors.centerIn: parent
                text: qsTr("Sign here with your finger")
                color: "#8693A6"
                font { family: Theme.font; pixelSize: Theme.heading }
            }
            Rectangle { x: 60; width: parent.width - 120; y: parent.height - 110; height: 3; color: Theme.line }
            Canvas {
                id: pad
                objectName: "signaturePad"
                anchors.fill: parent
                property var strokes: []
                property var current: null
                property double started: 0  // ms: points carry their time since the first touch
                function point(m) {
                    if (started === 0) started = Date.now()
                    return [m.x, m.y, Date.now() - started]
                }
                onPaint: {
                    var g = getContext("2d")
                    g.clearRect(0, 0, width, height)
                    g.strokeStyle = Theme.navy
                    g.lineWidth = 7; g.lineCap = "round"; g.lineJoin = "round"
                    var all = current ? strokes.concat([current]) : strokes
                    for (var i = 0; i < all.length; ++i) {
                        var s = all[i]
                        g.beginPath()
                        g.moveTo(s[0][0], s[0][1])
                        for (var j = 1; j < s.length; ++j) g.lineTo(s[j][0], s[j][1])
                        if (s.length === 1) g.lineTo(s[0][0] + 0.5, s[0][1])
                        g.stroke()
                    }
                }
                function clear() { strokes = []; current = null; started = 0; hint.visible = false; requestPaint() }
                MouseArea {
                    anchors.fill: parent
                    preventStealing: true
                    onPressed: (m) => { pad.current = [pad.point(m)]; pad.requestPaint() }
                    onPositionChanged: (m) => { if (pad.current) { pad.current.push(pad.point(m)); pad.requestPaint() } }
                    onReleased: {
                        if (pad.current) { pad.strokes = pad.strokes.concat([pad.current]); pad.current = null }
                        pad.requestPaint()
                    }
                }
            }
        }
        Text {
            id: hint
            objectName: "signatureHint"
            visible: false
            width: parent.width
            text: qsTr("Please sign your name in the box.")
            color: Theme.warnInk; wrapMode: Text.WordWrap
            font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
        }
        Row {
            spacing: Theme.gap
            KioskButton {
                objectName: "card_clear"
                width: 340; outline: true; colour: Theme.navy
                text: qsTr("Clear")
                onClicked: pad.clear()
            }
            KioskButton {
                objectName: "card_sign"
                width: 952 - 340 - Theme.gap
                icon: "check.svg"
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
    Column {
        objectName: "cardPin"
        visible: page.st === "pin"
        anchors { fill: parent; margins: Theme.margin; topMargin: 100 }
        spacing: 44
        IconDisc { width: 200; icon: "card.svg"; color: Theme.blue; anchors.horizontalCenter: parent.horizontalCenter }
        Title {
            objectName: "pinTitle"
            horizontalAlignment: Text.AlignHCenter
            text: flow && flow.pinConfirm ? qsTr("Type the same PIN again")
                                          : qsTr("Choose a 6-digit PIN on the keypad")
        }
        Rectangle {
            objectName: "pinRetry"
            visible: flow && flow.pinRetryReason !== "" && !flow.pinConfirm
            width: parent.width; height: pinRetryText.implicitHeight + 50
            radius: Theme.radius; color: Theme.warnBg
            Text {
                id: pinRetryText
                anchors { fill: parent; margins: 25 }
                wrapMode: Text.WordWrap
                color: Theme.warnInk
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
                text: flow && flow.pinRetryReason === "pin_too_simple"
                      ? qsTr("That PIN is too easy to guess. Please choose another one.")
                      : qsTr("The two PINs were not the same. Please start again.")
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
            text: qsTr("Cover the keypad with your other hand. Press the green Enter key when you have typed 6 digits. The yellow key clears.")
        }
        KioskButton {
            objectName: "card_pin_cancel"
            width: parent.width; outline: true; colour: Theme.navy
            text: qsTr("Cancel")
            onClicked: flow.cancelPin()
        }
    }

    // -- 5. card, receipt -------------------------------------------------------------------
    Column {
        objectName: "cardDevice"
        visible: ["preparing", "dispensing", "take_card", "printing"].indexOf(page.st) >= 0
        anchors { fill: parent; margins: Theme.margin; topMargin: 140 }
        spacing: 50
        IconDisc {
            width: 260; anchors.horizontalCenter: parent.horizontalCenter
            icon: page.st === "printing" ? "check.svg" : "card.svg"
            color: page.st === "take_card" ? Theme.teal : Theme.blue
            SequentialAnimation on scale {
                running: page.st === "take_card"; loops: Animation.Infinite
                NumberAnimation { to: 1.08; duration: 600 } NumberAnimation { to: 1.0; duration: 600 }
            }
        }
        Title {
            objectName: "deviceTitle"
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: page.st === "take_card" ? Theme.huge - 20 : Theme.title
            text: page.st === "take_card" ? qsTr("Please take your card")
                : page.st === "printing" ? qsTr("Printing your receipt…")
                : qsTr("Preparing your card…")
        }
        Body {
            horizontalAlignment: Text.AlignHCenter
            text: page.st === "take_card"
                  ? qsTr("It is in the card slot below the screen. If it is not taken within %1 seconds, the machine keeps it safe.").arg(flow ? flow.takeTimeout : 0)
                  : page.st === "preparing"
                  ? qsTr("The bank is opening your account. Please wait, this takes a few seconds.")
                  : qsTr("Please wait. This takes a few seconds.")
        }
    }

    Column {
        objectName: "cardDone"
        visible: page.st === "done"
        anchors { fill: parent; margins: Theme.margin; topMargin: 100 }
        spacing: 40
        IconDisc { width: 200; icon: "check.svg"; color: Theme.teal; anchors.horizontalCenter: parent.horizontalCenter }
        Title { text: qsTr("Your card is ready"); horizontalAlignment: Text.AlignHCenter }
        Body {
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Card number %1").arg(flow ? flow.cardNumber : "")
            font.weight: Font.Bold
        }
        Body {
            objectName: "cardHolder"
            visible: flow && flow.customerName !== ""
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Card holder %1").arg(flow ? flow.customerName : "")
        }
        Body {
            objectName: "receiptText"
            horizontalAlignment: Text.AlignHCenter
            text: flow && flow.receiptPrinted ? qsTr("Please take your receipt. Your card works with the PIN you chose.")
                : qsTr("The printer is not working right now. Scan this code with your phone to get your receipt.")
        }
        Rectangle {
            objectName: "receiptQr"
            visible: flow && !flow.receiptPrinted && flow.receiptUrl !== ""
            width: 420; height: 420; color: "white"
            anchors.horizontalCenter: parent.horizontalCenter
            FrameView {
                anchors { fill: parent; margins: 10 }
                smooth: false
                background: "white"
                image: flow ? flow.receiptQrImage : undefined
            }
        }
        KioskButton {
            objectName: "card_finish"
            width: parent.width
            text: qsTr("Finish")
            icon: "home.svg"
            onClicked: flow.finish()
        }
    }

    Column {
        objectName: "cardFailed"
        visible: page.st === "failed"
        anchors { fill: parent; margins: Theme.margin; topMargin: 120 }
        spacing: 44
        IconDisc { width: 200; icon: "card.svg"; color: Theme.amber; anchors.horizontalCenter: parent.horizontalCenter }
        Title { text: qsTr("We could not give you a card"); horizontalAlignment: Text.AlignHCenter }
        Rectangle {
            width: parent.width; height: failWhy.implicitHeight + 70
            radius: Theme.radius; color: Theme.warnBg
            Text {
                id: failWhy
                objectName: "failReason"
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 40 }
                text: page.failText(flow ? flow.reason : "")
                color: Theme.warnInk; wrapMode: Text.WordWrap
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.DemiBold }
            }
        }
        Body { text: qsTr("A teller can help you get your card."); horizontalAlignment: Text.AlignHCenter }
        KioskButton {
            objectName: "card_teller"
            width: parent.width
            icon: "teller.svg"
            colour: Theme.amber; pressedColour: Theme.amberPressed
            text: qsTr("Call a teller")
            onClicked: shell.callTeller()
        }
        KioskButton {
            objectName: "card_back"
            width: parent.width; outline: true; colour: Theme.navy
            text: qsTr("Back to the menu")
            onClicked: flow.finish()
        }
    }
}
