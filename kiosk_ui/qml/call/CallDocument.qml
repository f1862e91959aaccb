import QtQuick
import SmartBranch.Views 1.0
import ".."

// In the call, the teller sent a document to sign: the customer reads it, compares its
// code with the teller's screen, signs with a finger, confirms, or says no. The teller
// stays on screen, small, and the call goes on.
Rectangle {
    id: page
    objectName: "callScreen_document"
    property string guidance: qsTr("Your teller has sent a document. Read it, then sign with your finger and confirm, or choose that you do not want to sign.")
    color: Theme.navyDeep
    readonly property bool answered: teller.documentAnswered
    readonly property bool canSign: teller.documentVerified && !answered && pad.ink >= teller.minInk

    // What this is, and the teller in the corner.
    Item {
        id: top
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.margin; topMargin: 44 }
        height: Theme.largeText ? tellerBox.height + 10 : 250  // the title shrinks to fit (fontSizeMode)
        Text {
            id: caption
            anchors { left: parent.left; right: tellerBox.left; rightMargin: 36; top: parent.top; topMargin: 20 }
            text: qsTr("Please read this, then sign it")
            color: Theme.onDarkSoft
            wrapMode: Text.Wrap
            font { family: Theme.font; pixelSize: Theme.small + 2 }
        }
        // A long title (up to 60 characters) is set smaller rather than cut.
        Text {
            objectName: "documentTitle"
            anchors { left: caption.left; right: caption.right; top: caption.bottom; topMargin: 12; bottom: parent.bottom }
            text: teller.documentTitle
            color: Theme.onDark
            wrapMode: Text.Wrap
            maximumLineCount: 3
            elide: Text.ElideRight
            fontSizeMode: Text.Fit
            minimumPixelSize: Theme.small
            font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
        }
        Rectangle {
            id: tellerBox
            anchors { right: parent.right; top: parent.top }
            width: 280 + 12; height: 210 + 12 + tellerLabel.height
            radius: 18
            color: Theme.card
            VideoView {
                id: remote
                objectName: "documentTellerVideo"
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 6 }
                height: 210
                feed: teller.remoteVideo
                fill: true
                background: Theme.navyDeep
            }
            Text {
                id: tellerLabel
                anchors { left: parent.left; right: parent.right; top: remote.bottom }
                height: Math.round(46 * Theme.textScale)
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
                text: teller.tellerName !== "" ? teller.tellerName : qsTr("Your teller")
                elide: Text.ElideRight
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.small - 4; weight: Font.Bold }
            }
        }
    }

    Column {
        anchors { left: parent.left; right: parent.right; top: top.bottom; margins: Theme.margin; topMargin: 26 }
        spacing: 24

        // The document exactly as it is signed (its SHA-256 is the code below).
        Rectangle {
            id: paper
            width: parent.width; height: Theme.largeText ? 440 : 560  // it scrolls; large text needs the room below
            radius: Theme.radius; color: Theme.card
            // Longer than the box: a strip at the bottom says so, over no words.
            readonly property bool overflows: body.height + 20 > height - 60
            Flickable {
                id: reader
                objectName: "documentReader"
                anchors { fill: parent; margins: 30; rightMargin: 40; bottomMargin: paper.overflows ? 100 : 30 }
                contentHeight: body.height + 20
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                Text {
                    id: body
                    objectName: "documentText"
                    width: reader.width
                    text: teller.documentText
                    textFormat: Text.MarkdownText
                    wrapMode: Text.Wrap
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.body - 2 }
                    lineHeight: 1.1
                }
            }
            // A wide scroll bar an unsteady finger can drag, and a word that there is more.
            Rectangle {
                visible: reader.contentHeight > reader.height
                anchors { right: parent.right; rightMargin: 10 }
                y: 30 + (reader.height - height) * (reader.contentY / Math.max(1, reader.contentHeight - reader.height))
                width: 16; radius: 8; height: Math.max(80, reader.height * reader.height / Math.max(1, reader.contentHeight))
                color: Theme.blue
            }
            Rectangle {
                objectName: "documentMore"
                visible: paper.overflows && !reader.atYEnd
                anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom; bottomMargin: 18 }
                width: moreText.implicitWidth + 56; height: 64; radius: 32
                color: Theme.navy
                Text {
                    id: moreText
                    anchors.centerIn: parent
                    text: qsTr("Slide up to read more ↓")
                    color: Theme.onDark
                    font { family: Theme.font; pixelSize: Theme.small - 4; weight: Font.Bold }
                }
            }
        }

        // The code to compare with the teller's screen.
        Rectangle {
            objectName: "documentCode"
            visible: teller.documentVerified  // never a code the teller's screen cannot show
            width: parent.width
            height: codeBox.implicitHeight + 40
            radius: Theme.radius
            color: Qt.rgba(Theme.onDark.r, Theme.onDark.g, Theme.onDark.b, 0.10)
            Column {
                id: codeBox
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 30 }
                spacing: 10
                Text {
                    width: parent.width
                    text: qsTr("Document code. The same code is on your teller's screen:")
                    color: Theme.onDarkSoft
                    wrapMode: Text.Wrap
                    font { family: Theme.font; pixelSize: Theme.small }
                }
                Grid {
                    objectName: "documentHash"
                    anchors.horizontalCenter: parent.horizontalCenter
                    columns: 4
                    columnSpacing: 34
                    rowSpacing: 4
                    Repeater {
                        model: teller.documentHash === "" ? [] : teller.documentHash.split(" ")
                        Text {
                            objectName: "hashGroup_" + index
                            text: modelData
                            color: Theme.onDark
                            // Keeps its size in large text: four groups a line, like the teller's screen.
                            font { family: "Noto Sans Mono CJK SC"; pixelSize: Math.round((Theme.body + 2) / Theme.textScale); weight: Font.Bold }
                        }
                    }
                }
            }
        }

        // A document that does not match its code is never signed.
        Rectangle {
            objectName: "documentUnverified"
            visible: !teller.documentVerified
            width: parent.width
            height: warnText.implicitHeight + 100
            radius: Theme.radius
            color: Theme.warnBg
            Text {
                id: warnText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 40 }
                text: qsTr("This document could not be checked, so it cannot be signed here. Please tell the teller.")
                color: Theme.warnInk
                wrapMode: Text.Wrap
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
            }
        }
        SignaturePad {
            id: pad
            objectName: "documentPad"
            visible: teller.documentVerified
            enabled: !page.answered
            width: parent.width; height: Theme.largeText ? 300 : 404
        }

        Row {
            visible: !page.answered && teller.documentVerified
            spacing: Theme.gap
            KioskButton {
                id: clearButton
                objectName: "documentClear"
                width: Theme.largeText ? 250 : 300; outline: true; colour: Theme.navy
                text: qsTr("Clear")
                onClicked: pad.clear()
            }
            KioskButton {
                objectName: "documentSign"
                width: 952 - clearButton.width - Theme.gap
                enabled: page.canSign
                icon: "check.svg"
                colour: page.canSign ? Theme.teal : Theme.disabledBg
                pressedColour: Qt.darker(Theme.teal, 1.25)
                textColour: page.canSign ? Theme.onDark : Theme.disabledInk
                text: qsTr("Confirm signature")
                onClicked: teller.signDocument(pad.strokes, pad.width, pad.height)
            }
        }
        KioskButton {
            objectName: "documentDecline"
            visible: !page.answered
            width: parent.width
            outline: true
            colour: Theme.navy
            text: qsTr("I do not want to sign")
            onClicked: teller.declineDocument()
        }
        Rectangle {
            objectName: "documentSent"
            visible: page.answered
            width: parent.width; height: 2 * Theme.target + Theme.gap
            radius: Theme.radius
            color: Qt.rgba(Theme.onDark.r, Theme.onDark.g, Theme.onDark.b, 0.10)
            Text {
                anchors { fill: parent; margins: 30 }
                horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter
                text: qsTr("Thank you. Your answer is on its way to the teller.")
                color: Theme.onDark
                wrapMode: Text.Wrap
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
            }
        }
    }
}
